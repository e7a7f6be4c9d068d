import { createHash } from 'node:crypto';
import { decryptSecret } from '../crypto/secretBox.ts';
import { loadServerSecretKey, SERVER_KEY_SOURCE } from '../crypto/serverSecretKey.ts';
import { listApiPopulations, type ApiPopulationRow } from '../db/apiPopulations.ts';
import type { Db } from '../db/openDatabase.ts';
import { apiPopulationSource, apiSourceFile } from '../spec/apiPopulationSource.ts';
import type { DesiredState } from '../spec/DesiredState.ts';
import { buildDesiredState, readSpecSources, type SpecLoadResult, type SpecSource } from '../spec/loadSpecs.ts';
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
  const built = builtFrom([...files, ...api.sources]);
  if (built.problems.some((p) => p.severity === 'error')) throw new SpecValidationError(built.problems);
  return {
    state: { ...built.state, specsDir: opts.specsDir, populations: built.state.populations.map((p) => (api.files.has(p.origin.file) ? { ...p, source: 'api' as const } : p)) },
    warnings: built.problems.filter((p) => !api.files.has(p.file)),
    templates: built.templates,
    apiRows: api.rows,
  };
}

/**
 * buildDesiredState of the same sources (file names and texts) gives the same result: the
 * last few are remembered, so a server answering `stats` or `batches` for many clients
 * reads the small spec files but parses and validates them once per change, not per
 * request. Keyed by a hash of the texts (no secret is kept as a key); results are shared
 * and must not be mutated (nothing does: every consumer maps them into new objects).
 */
const builtCache = new Map<string, SpecLoadResult>();
const BUILT_CACHE_SIZE = 8;

function builtFrom(sources: SpecSource[]): SpecLoadResult {
  const h = createHash('sha256');
  for (const s of sources) h.update(s.file).update('\0').update(s.text).update('\0');
  const key = h.digest('base64');
  const hit = builtCache.get(key);
  if (hit) return hit;
  const built = buildDesiredState(sources);
  builtCache.set(key, built);
  if (builtCache.size > BUILT_CACHE_SIZE) builtCache.delete(builtCache.keys().next().value!);
  return built;
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
