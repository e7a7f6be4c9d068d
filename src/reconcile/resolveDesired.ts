import { passwordHasher, verifyAnyFormat, type PasswordHashConfig, type PasswordHasher } from '../crypto/passwordHash.ts';
import type { Db } from '../db/openDatabase.ts';
import { memberContentHash, specHash } from '../plan/contentHash.ts';
import type { DesiredPopulation } from '../plan/Plan.ts';
import { resolveLease } from '../plan/lease.ts';
import { DEFAULT_RECONCILER_CONFIG, type PopulationSpec } from '../spec/DesiredState.ts';
import { apiVariableRefusal } from './apiPasswordVariables.ts';

export interface ResolvedDesired {
  populations: DesiredPopulation[];
  /** Hash to write for each population whose password could be resolved. */
  passwordHashes: Map<string, string>;
  /** Populations whose password variable is not set, or (reason) may not be read. */
  unresolved: { name: string; variable: string; reason?: string }[];
  /** Plaintext per population that syncs somewhere: targets need it; it is never logged or stored here. */
  plaintexts: Map<string, string>;
}

/** The plaintext a spec's password source gives, or undefined when its variable is unset. */
export function passwordPlaintext(spec: PopulationSpec, env: NodeJS.ProcessEnv): string | undefined {
  if ('value' in spec.password) return spec.password.value;
  const v = env[spec.password.fromEnv];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * The password a spec may be given, or why not: an API-defined population stored before
 * variables were restricted must not read one now (refusal); an unset variable gives none.
 */
export function readablePassword(spec: PopulationSpec, env: NodeJS.ProcessEnv): { plain?: string; refusal?: string } {
  const refusal = spec.source === 'api' && 'fromEnv' in spec.password ? apiVariableRefusal(spec.password.fromEnv, env) : undefined;
  if (refusal) return { refusal };
  const plain = passwordPlaintext(spec, env);
  return plain === undefined ? {} : { plain };
}

/**
 * Plaintext per population that syncs somewhere, for the targets that rewrite whole
 * files (a cleanup keeps the other populations' credentials in them). Never hashes.
 */
export function syncPlaintexts(specs: readonly PopulationSpec[], env: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of specs) {
    if (spec.syncTargets.length === 0) continue;
    const { plain } = readablePassword(spec, env);
    if (plain !== undefined) out.set(spec.name, plain);
  }
  return out;
}

/**
 * Turns specs into what the planner compares: content hashes that include the password by
 * its hash. The stored hash is reused when it is in the configured format and parameters
 * and the plaintext still matches it, so an unchanged password never looks like a change;
 * a new password or a new passwordHash configuration rehashes once. The key derivation
 * runs at most twice per population, never per user.
 */
export async function resolveDesired(
  db: Db,
  specs: readonly PopulationSpec[],
  env: NodeJS.ProcessEnv,
  opts: { now?: Date; renew?: ReadonlySet<string>; passwordHash?: PasswordHashConfig } = {},
): Promise<ResolvedDesired> {
  const records = new Map(
    (await db.selectFrom('bulk_populations').select(['name', 'password_hash', 'lease_started_at', 'lease_key']).execute()).map((r) => [r.name, r] as const),
  );
  const stored = new Map([...records].map(([name, r]) => [name, r.password_hash] as const));
  const now = opts.now ?? new Date();
  const hasher = passwordHasher(opts.passwordHash ?? DEFAULT_RECONCILER_CONFIG.passwordHash);
  const out: ResolvedDesired = { populations: [], passwordHashes: new Map(), unresolved: [], plaintexts: new Map() };
  for (const spec of specs) {
    const { plain, refusal } = readablePassword(spec, env);
    const previous = stored.get(spec.name) ?? null;
    let hash: string;
    let password: DesiredPopulation['password'];
    if (plain === undefined) {
      out.unresolved.push({ name: spec.name, variable: 'fromEnv' in spec.password ? spec.password.fromEnv : '', ...(refusal ? { reason: refusal } : {}) });
      // Compare against what is stored so a plan without the variable shows no false updates.
      hash = previous ?? 'unresolved';
      password = 'unresolved';
    } else if (previous && hasher.isCurrent(previous) && (await verifyAnyFormat(previous, plain))) {
      hash = previous;
      password = 'unchanged';
    } else {
      hash = await hashPopulationPassword(hasher, spec.name, plain);
      password = previous ? 'changed' : 'new';
    }
    if (password !== 'unresolved') out.passwordHashes.set(spec.name, hash);
    if (plain !== undefined && spec.syncTargets.length > 0) out.plaintexts.set(spec.name, plain);
    const record = records.get(spec.name);
    const { lease, expired } = resolveLease(spec, record ? { startedAt: record.lease_started_at?.toISOString() ?? null, key: record.lease_key } : undefined, now, opts.renew?.has(spec.name) ?? false);
    out.populations.push({
      // An expired population should hold nobody until it is renewed.
      spec: expired ? { ...spec, count: 0 } : spec,
      declared: spec,
      ...(lease ? { lease } : {}),
      expired,
      source: spec.source ?? 'file',
      contentHash: memberContentHash(spec, hash),
      specHash: specHash(spec),
      password,
      ...(refusal ? { passwordRefusal: refusal } : {}),
    });
  }
  return out;
}

async function hashPopulationPassword(hasher: PasswordHasher, population: string, plain: string): Promise<string> {
  try {
    return await hasher.hash(plain);
  } catch (err) {
    // The format's own limit (bcrypt's 72 bytes), named with the population, never with the password.
    throw new Error(`population "${population}": its password cannot be hashed as ${hasher.algorithm}: ${(err as Error).message}`);
  }
}
