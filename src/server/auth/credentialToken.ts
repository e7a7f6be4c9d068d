import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys and bearer tokens share one shape: `<prefix>_<id>_<secret>`. The id (8 bytes,
 * hex) is public and finds the record; the secret (32 random bytes, base64url) is stored
 * only as its SHA-256, which is enough for 256 bits of entropy (a slow hash is for
 * passwords people choose), and compared in constant time.
 */
export interface NewCredential {
  id: string;
  token: string;
  secretHash: string;
}

export type CredentialKind = 'buk' | 'bus';

/** buk: API key; bus: session (bearer token). */
export function generateCredential(kind: CredentialKind): NewCredential {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${kind}_${id}_${secret}`, secretHash: hashSecret(secret) };
}

export function parseCredential(token: string, kind: CredentialKind): { id: string; secret: string } | undefined {
  const m = /^([a-z]{3})_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || m[1] !== kind) return undefined;
  return { id: m[2]!, secret: m[3]! };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
