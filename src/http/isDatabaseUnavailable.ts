/**
 * True for errors meaning "the database cannot be reached right now" rather than "this
 * request is wrong" or "this is a bug": they are answered 503 so clients retry, like the
 * health endpoint's `"database": "unavailable"`.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    // Node socket errors while connecting or talking to the server.
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN'].includes(code)) return true;
    // SQLSTATE classes 08 (connection exception), 53 (insufficient resources, e.g. too many
    // connections) and 57P (operator intervention: shutdown, cannot connect now).
    if (/^(08|53|57P)/.test(code)) return true;
  }
  const message = (err as { message?: unknown }).message;
  // pg's pool and client report these without a code.
  return typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/i.test(message);
}
