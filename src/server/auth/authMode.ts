import { isIP } from 'node:net';
import { OperatorError } from '../../errors.ts';

/** NODE_ENV values that opt in to DISABLE_AUTH (compared without case); anything else, unset included, does not. */
const DEVELOPMENT_ENVS = new Set(['development', 'test']);

/**
 * Whether this server runs without authentication. DISABLE_AUTH=true is honoured only
 * when both hold: NODE_ENV says development or test (an explicit opt-in, so an unset or
 * misspelt NODE_ENV, `Production` or `prod` never opens the API), and the server listens
 * on loopback only (so no other machine can reach the open API). Otherwise the server
 * refuses to start, naming what to change: running with authentication while the
 * operator believes it off, or the reverse, would hide the mistake.
 */
export function decideAuthDisabled(env: NodeJS.ProcessEnv, listenHost: string | undefined): boolean {
  const raw = (env.DISABLE_AUTH ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (raw !== 'true') throw new OperatorError(`DISABLE_AUTH must be "true" or "false" (got "${env.DISABLE_AUTH}")`, 'bad_setting');
  const nodeEnv = env.NODE_ENV ?? '';
  if (!DEVELOPMENT_ENVS.has(nodeEnv.trim().toLowerCase())) {
    throw new OperatorError(
      `DISABLE_AUTH=true is honoured only with NODE_ENV=development or NODE_ENV=test (NODE_ENV is ${nodeEnv ? `"${nodeEnv}"` : 'not set'}); ` +
        'unset DISABLE_AUTH to serve with authentication (bulk-users api-key create --name NAME gives a key)',
      'auth_disable_refused',
    );
  }
  if (!isLoopback(listenHost)) {
    throw new OperatorError(
      `DISABLE_AUTH=true is honoured only on a loopback address (127.0.0.1, ::1 or localhost), not ${listenHost ? `"${listenHost}"` : 'an unknown address'}; ` +
        'unset DISABLE_AUTH, or listen with --host 127.0.0.1',
      'auth_disable_refused',
    );
  }
  return true;
}

export function isLoopback(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h.startsWith('::ffff:127.');
}

/** What the server says on stderr at start while authentication is off (and the log repeats). */
export const AUTH_DISABLED_NOTICE =
  'WARNING: DISABLE_AUTH=true: the bulk-users API serves every request WITHOUT authentication (loopback only, NODE_ENV development/test); never do this where others can reach it';
