import { randomBytes } from 'node:crypto';
import { listApiPopulations } from '../db/apiPopulations.ts';
import type { Db } from '../db/openDatabase.ts';
import { apiPopulationSource } from '../spec/apiPopulationSource.ts';
import { applyTemplate } from '../spec/applyTemplate.ts';
import type { PopulationSpec } from '../spec/DesiredState.ts';
import { didYouMean } from '../spec/didYouMean.ts';
import { buildDesiredState, readSpecSources, type SpecSource } from '../spec/loadSpecs.ts';
import { practiceWarnings } from '../spec/practiceWarnings.ts';
import type { PasswordSource, PopulationSpec as PopulationSpecDoc } from '../spec/schemaTypes.generated.ts';
import { SpecValidationError, type SpecProblem } from '../spec/SpecProblem.ts';
import { ApiSpecConflictError, ApiSpecInvalidError } from './apiErrors.ts';
import { apiVariableProblem } from './apiPasswordVariables.ts';
import { fillCreateDefaults } from './createDefaults.ts';
import { loadTemplates } from './loadTemplates.ts';

/** A population as the HTTP API receives it, in the vocabulary of a spec document. */
export interface ApiPopulationRequest {
  /** metadata.name = batch_id; generated (api-YYYYMMDD-xxxxxx) when absent. */
  name?: string;
  labels?: Record<string, string>;
  /** Fields left out are taken from this template (builtin or saved). */
  template?: string;
  /** Fields of a TestUserPopulation spec (count, usernamePattern, password, ...). */
  spec: Record<string, unknown>;
}

/** A request that validated on its own, ready to be checked against the other specs and stored. */
export interface PreparedApiPopulation {
  name: string;
  labels: Record<string, string>;
  /** The document spec without the password (what is stored). */
  storedSpec: Partial<PopulationSpecDoc>;
  password?: PasswordSource;
  /** Set when the request gave no password and one was generated (createDefaults.ts): for the caller, once. */
  generatedPassword?: string;
  /** The population as the validator built it. */
  population: PopulationSpec;
  warnings: SpecProblem[];
  /** The request as a document, named `request` in messages. */
  source: SpecSource;
  files: SpecSource[];
}

/** How the request appears in messages (file:line:column point into its JSON form). */
export const REQUEST_FILE = 'request';

/** `api-<yyyymmdd>-<6 hex>`: a DNS label, sortable by day, unique enough to retry on a clash. */
export function generateBatchName(now: Date = new Date()): string {
  return `api-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Step one of creating a population through the API: the template applied, then the
 * defaults (createDefaults.ts) for what both leave out, then the
 * request validated by buildDesiredState as a document next to every spec (the request
 * first, so a clash of names or usernames is reported at the other document and only the
 * request's own mistakes are reported here), and a password variable outside the API's
 * allowlist refused. Throws ApiSpecInvalidError (the client's to fix).
 */
export async function prepareApiPopulation(
  db: Db,
  opts: { request: ApiPopulationRequest; specsDir: string; now?: Date; env?: NodeJS.ProcessEnv },
): Promise<PreparedApiPopulation> {
  const { request } = opts;
  const name = request.name ?? generateBatchName(opts.now);
  const labels = request.labels ?? {};
  let spec = request.spec as Partial<PopulationSpecDoc>;
  if (request.template !== undefined) {
    const templates = await loadTemplates(db, opts.specsDir);
    const template = templates.find((t) => t.name === request.template);
    if (!template) {
      const guess = didYouMean(request.template, templates.map((t) => t.name));
      throw new ApiSpecInvalidError([
        {
          severity: 'error',
          file: REQUEST_FILE,
          line: 1,
          column: 1,
          message: `unknown template "${request.template}"`,
          hint: guess ? `did you mean "${guess}"?` : templates.length ? `templates: ${templates.map((t) => t.name).join(', ')}` : 'GET /api/bulk-users/config/templates lists them',
        },
      ]);
    }
    spec = applyTemplate(template.spec, spec);
  }
  const filled = fillCreateDefaults(spec, name);
  spec = filled.spec;
  const source = apiPopulationSource(name, spec, { labels, file: REQUEST_FILE });
  const files = readSpecSources(opts.specsDir);
  const others = validationSources(await listApiPopulations(db));
  const built = buildDesiredState([source, ...files, ...others]);
  // The password variable a template or the request names must be one the API may read.
  const variable = apiVariableProblem(source, opts.env ?? process.env);
  const mine = [...built.problems.filter((p) => p.file === REQUEST_FILE), ...(variable ? [variable] : [])];
  if (mine.some((p) => p.severity === 'error')) throw new ApiSpecInvalidError(mine);
  const population = built.state.populations.find((p) => p.origin.file === REQUEST_FILE);
  if (!population) throw new ApiSpecInvalidError(mine);
  const { password, ...rest } = spec;
  return {
    name,
    labels,
    // An environment variable's name is no secret: it stays in the spec; a value never does.
    storedSpec: password && password.fromEnv !== undefined ? spec : rest,
    ...(password ? { password } : {}),
    ...(filled.generatedPassword !== undefined ? { generatedPassword: filled.generatedPassword } : {}),
    population,
    // The password of an API request is always plain text here; it is stored encrypted, so that warning does not apply.
    warnings: [...mine.filter((p) => p.severity === 'warning' && !p.message.startsWith('password is written')), ...practiceWarnings({ populations: [population], targets: [] })],
    source,
    files,
  };
}

/**
 * Step two, against the specs as they are now: the request last, so every clash with a
 * spec file or another API population is reported at the request (ApiSpecConflictError).
 * Errors elsewhere mean the existing specs are broken (SpecValidationError). `db` is the
 * caller's transaction when it holds the API-spec lock.
 */
export async function checkApiConflicts(db: Db, prepared: PreparedApiPopulation): Promise<void> {
  const others = validationSources(await listApiPopulations(db));
  const built = buildDesiredState([...prepared.files, ...others, prepared.source]);
  const errors = built.problems.filter((p) => p.severity === 'error');
  const elsewhere = errors.filter((p) => p.file !== REQUEST_FILE);
  if (elsewhere.length) throw new SpecValidationError(elsewhere);
  if (errors.length) throw new ApiSpecConflictError(errors);
}

/** Stored API populations as documents for validation only: the password's value does not matter there, so it is not decrypted. */
function validationSources(rows: Awaited<ReturnType<typeof listApiPopulations>>): SpecSource[] {
  return rows.map((r) => apiPopulationSource(r.name, r.spec, { labels: r.labels, ...(r.passwordEnc !== null ? { password: { value: 'not-decrypted' } } : {}) }));
}
