import type { Db } from '../../db/openDatabase.ts';
import { insertSession } from '../../db/sessions.ts';
import { generateCredential } from './credentialToken.ts';

export interface NewSession {
  /** `bus_<id>_<secret>`: the only copy (only the secret's SHA-256 is stored). */
  token: string;
  /** The public part, for revokeSession. */
  id: string;
  expiresAt: Date;
}

/**
 * Opens a session for a user whose password was just verified against `passwordHash`
 * (users.password_hash): the session lasts until `ttlMs`, a logout, a revocation, or a
 * change of that hash, whichever comes first. The bearer tokens of POST /api/auth/login
 * are these; so may be the value of a web session cookie.
 */
export async function createSession(db: Db, opts: { userId: number; passwordHash: string; ttlMs: number; now: Date }): Promise<NewSession> {
  const cred = generateCredential('bus');
  const expiresAt = new Date(opts.now.getTime() + opts.ttlMs);
  await insertSession(db, { id: cred.id, secretHash: cred.secretHash, userId: opts.userId, expiresAt, passwordHash: opts.passwordHash });
  return { token: cred.token, id: cred.id, expiresAt };
}
