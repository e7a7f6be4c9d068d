import { isLoopbackHost } from '../../http/loopback.ts';
import { readTokenFile, tokenFilePath, WRITE_TOKEN_ENV } from '../../loadtester/loadTesterTokens.ts';
import type { SyncTargetSpec } from '../../spec/DesiredState.ts';
import { TargetError } from '../SyncTargetDriver.ts';

export interface TargetConnection {
  /** Base URL without a trailing slash. */
  base: string;
  /** Absent: none was found; requests go without one, and the 401 that follows says what to set. */
  token?: string;
  /** Where the token came from (a variable's name or the token file's path), for messages. Never the token. */
  tokenFrom?: string;
  /** The variable the spec names for the token, for messages. */
  tokenVariable: string;
}

/** The variable a Load Tester target reads its token from: `auth.tokenFromEnv`, else LOADTESTER_TOKEN. */
export function tokenVariableOf(spec: SyncTargetSpec): string {
  return spec.auth?.tokenFromEnv ?? WRITE_TOKEN_ENV;
}

/**
 * Where a Load Tester target is and how to authenticate, read from the reconciler's
 * environment at sync time (specs hold names of variables, never secrets):
 *
 * - URL: the variable `urlFromEnv` names when set and not empty, else `url`;
 * - token: the variable `auth.tokenFromEnv` names (default LOADTESTER_TOKEN); when it is
 *   unset and the URL is a loopback address, the token file of a Load Tester sharing the
 *   data directory (`serve` and `loadtester` on one machine need no setup). Otherwise no
 *   token: a Load Tester that is down is then just down (an optional one is skipped), and
 *   one that is up answers 401, which LoadTesterTarget turns into an error naming the
 *   variable.
 */
export async function resolveTargetConnection(spec: SyncTargetSpec, env: NodeJS.ProcessEnv): Promise<TargetConnection> {
  const fail = (message: string): never => {
    throw new TargetError(spec.name, message, false);
  };
  let raw = spec.url;
  let from = 'url';
  const envUrl = spec.urlFromEnv !== undefined ? env[spec.urlFromEnv] : undefined;
  if (spec.urlFromEnv !== undefined && envUrl !== undefined && envUrl !== '') {
    raw = envUrl;
    from = spec.urlFromEnv;
  }
  if (raw === undefined) return fail(`${spec.urlFromEnv ?? 'urlFromEnv'} is not set and the SyncTarget has no url to fall back on; set it to the Load Tester's URL, e.g. http://127.0.0.1:8080`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`${from} is not a URL: ${JSON.stringify(raw)}; e.g. http://127.0.0.1:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`${from} must be an http:// or https:// URL (got ${url.protocol})`);
  if (url.username || url.password) return fail(`${from} must not carry credentials; the token comes from ${tokenVariableOf(spec)}`);
  const base = url.toString().replace(/\/+$/, '');

  const tokenVariable = tokenVariableOf(spec);
  const fromEnv = env[tokenVariable];
  if (fromEnv !== undefined && fromEnv !== '') return { base, token: fromEnv, tokenFrom: tokenVariable, tokenVariable };
  if (isLoopbackHost(url.hostname)) {
    const fromFile = await readTokenFile(env);
    if (fromFile !== undefined) return { base, token: fromFile, tokenFrom: tokenFilePath(env), tokenVariable };
  }
  return { base, tokenVariable };
}

/** What to do when the Load Tester refuses: name the variable, and the token file on a loopback URL. */
export function missingTokenAdvice(connection: TargetConnection, env: NodeJS.ProcessEnv): string {
  const local = isLoopbackHost(new URL(connection.base).hostname);
  return (
    `set ${connection.tokenVariable} in the reconciler's environment to the Load Tester's write token (its LOADTESTER_TOKEN)` +
    (local ? `, or run the reconciler with the Load Tester's data directory (BULK_USERS_DATA_DIR), whose token file is read as ${tokenFilePath(env)}` : '')
  );
}
