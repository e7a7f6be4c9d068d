import { decryptSecret } from '../crypto/secretBox.ts';
import { loadServerSecretKey, SERVER_KEY_SOURCE } from '../crypto/serverSecretKey.ts';
import { listApiPopulations, type ApiPopulationRow } from '../db/apiPopulations.ts';
import type { Db } from '../db/openDatabase.ts';
import { apiPopulationSource, apiSourceFile } from '../spec/apiPopulationSource.ts';
import type { DesiredState } from '../spec/DesiredState.ts';
import { buildDesiredState, readSpecSources, type SpecSource } from '../spec/loadSpecs.ts';
import type { PopulationTemplate } from '../spec/PopulationTemplate.ts';
import { SpecValidationError, type SpecProblem } from '../spec/SpecProblem.ts';

export interface LoadedDesiredState {
  /** File specs and API populations (source 'api', password { value } decrypted). */
  state: DesiredState;
  /** Warnings of the spec files (API populations give none). */
  warnings: SpecProblem[];
  /** PopulationTemplate documents of the spec files. */
  templates: PopulationTemplate[];
  /** The API populations' rows, as read for `state`. */
  apiRows: ApiPopulationRow[];
}

export interface LoadDesiredStateOptions {
  db: Db;
  /** Spec directory (or one file), as `--specs`. */
  specsDir: string;
  env?: NodeJS.ProcessEnv;
  /** The server's key, when the caller already holds it; else loaded (only when needed). */
  secretKey?: Buffer;
  /** Spec files already read (the controller's last valid ones), instead of reading `specsDir`. */
  files?: SpecSource[];
}

/**
 * The whole desired state: every spec file plus every population created through the
 * HTTP API. Both go through the one validator together, the API populations last, so a
 * name used twice or two username spaces that overlap across the two are errors located
 * at the API population (files keep priority). Throws SpecValidationError listing every
 * problem. The CLI's plan and reconcile use this too, so no command treats API
 * populations differently (leaving them out would, for one, delete their records from
 * every sync target).
 */
export async function loadDesiredState(opts: LoadDesiredStateOptions): Promise<LoadedDesiredState> {
  const files = opts.files ?? readSpecSources(opts.specsDir);
  const api = await apiPopulationSources(opts.db, opts);
  const built = buildDesiredState([...files, ...api.sources]);
  if (built.problems.some((p) => p.severity === 'error')) throw new SpecValidationError(built.problems);
  return {
    state: { ...built.state, specsDir: opts.specsDir, populations: built.state.populations.map((p) => (api.files.has(p.origin.file) ? { ...p, source: 'api' as const } : p)) },
    warnings: built.problems.filter((p) => !api.files.has(p.file)),
    templates: built.templates,
    apiRows: api.rows,
  };
}

/** Every API population as a spec document with its decrypted password. */
export async function apiPopulationSources(
  db: Db,
  opts: { env?: NodeJS.ProcessEnv; secretKey?: Buffer },
): Promise<{ sources: SpecSource[]; files: Set<string>; rows: ApiPopulationRow[] }> {
  const rows = await listApiPopulations(db);
  let key = opts.secretKey;
  const sources: SpecSource[] = [];
  for (const row of rows) {
    let password = row.spec.password;
    if (row.passwordEnc !== null) {
      key ??= await loadServerSecretKey(opts.env ?? process.env, { create: false });
      password = { value: decryptSecret(key, row.name, row.passwordEnc, SERVER_KEY_SOURCE, `the stored password of population "${row.name}"`) };
    }
    sources.push(apiPopulationSource(row.name, row.spec, { labels: row.labels, ...(password ? { password } : {}) }));
  }
  return { sources, files: new Set(rows.map((r) => apiSourceFile(r.name))), rows };
}
