import type { SpecSource } from '../spec/loadSpecs.ts';
import { parseSpecText } from '../spec/SourceDocument.ts';
import type { SpecProblem } from '../spec/SpecProblem.ts';
import { OperatorError } from '../errors.ts';

/**
 * Which environment variables a population or template defined through the HTTP API may
 * name in `password: { fromEnv }`. Spec files are the operator's own (in git, reviewed)
 * and may name any variable; the API is reached by key holders who must not be able to
 * read the server's environment (DATABASE_URL, the encryption key, cloud credentials) by
 * having it synced as a password and exported. So API-defined ones may only name
 * variables with a prefix the operator chose for load-test passwords.
 */
export const API_ENV_PREFIX_ENV = 'BULK_USERS_API_ENV_PREFIX';
export const DEFAULT_API_ENV_PREFIX = 'LOADTEST_';

/** This service's own secrets: never readable through the API, whatever the prefixes say. */
const NEVER = [/^BULK_USERS_/i, /^(TEST_)?DATABASE_URL$/i, /^PG[A-Z]*$/i];

/** The allowed prefixes: comma-separated, default LOADTEST_; `none` allows no variable at all. */
export function apiEnvPrefixes(env: NodeJS.ProcessEnv): string[] {
  const raw = env[API_ENV_PREFIX_ENV];
  if (raw === undefined || raw.trim() === '') return [DEFAULT_API_ENV_PREFIX];
  if (raw.trim().toLowerCase() === 'none') return [];
  const prefixes = raw.split(',').map((p) => p.trim());
  const bad = prefixes.find((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p));
  if (bad !== undefined) {
    throw new OperatorError(`${API_ENV_PREFIX_ENV} must be "none" or comma-separated variable-name prefixes such as LOADTEST_ (got "${raw}")`, 'bad_setting');
  }
  return prefixes;
}

/** Why an API-defined population or template may not read `variable`; undefined when it may. */
export function apiVariableRefusal(variable: string, env: NodeJS.ProcessEnv): string | undefined {
  const prefixes = apiEnvPrefixes(env);
  const allowed = prefixes.length ? `only variables starting with ${prefixes.join(' or ')} (${API_ENV_PREFIX_ENV})` : `none (${API_ENV_PREFIX_ENV}=none)`;
  if (NEVER.some((re) => re.test(variable))) return `password.fromEnv names ${variable}, one of this service's own settings, which an API-defined population may never read; allowed: ${allowed}`;
  if (!prefixes.some((p) => variable.startsWith(p))) return `password.fromEnv names ${variable}, which an API-defined population may not read; allowed: ${allowed}`;
  return undefined;
}

const HINT = 'give the password itself (config.password; stored encrypted), or have the operator provide it in a variable with an allowed prefix';

/**
 * The refusal of a document sent to the API (a population or a template) whose
 * spec.password.fromEnv may not be read, located at that field like any spec problem.
 */
export function apiVariableProblem(source: SpecSource, env: NodeJS.ProcessEnv): SpecProblem | undefined {
  const doc = parseSpecText(source.file, source.text).docs[0];
  const js = doc?.toJS();
  const variable = (js && 'value' in js ? (js.value as { spec?: { password?: { fromEnv?: unknown } } } | undefined) : undefined)?.spec?.password?.fromEnv;
  if (!doc || typeof variable !== 'string') return undefined;
  const refusal = apiVariableRefusal(variable, env);
  return refusal ? doc.problem(['spec', 'password', 'fromEnv'], refusal, HINT) : undefined;
}
