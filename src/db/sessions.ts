import { sql, type RawBuilder } from 'kysely';
import type { Db } from './openDatabase.ts';

export interface SessionRecord {
  id: string;
  secretHash: string;
  userId: number;
  expiresAt: Date;
  /** Of the user it belongs to, read with it (null: the user is gone). */
  username: string | null;
  isAdmin: boolean;
  isTestUser: boolean;
  /** False once the user's password_hash differs from the one the session was opened with. */
  passwordCurrent: boolean;
}

/**
 * The one definition of a password fingerprint (SHA-256, hex, of users.password_hash), in
 * SQL so the value written at login and the one compared on every request cannot drift.
 * A hash of a salted scrypt hash tells nothing about the password.
 */
function fingerprint(passwordHash: RawBuilder<unknown> | string): RawBuilder<string> {
  return sql<string>`encode(sha256(convert_to(${passwordHash}, 'UTF8')), 'hex')`;
}

/** `passwordHash`: the users.password_hash the login was verified against. */
export async function insertSession(db: Db, s: { id: string; secretHash: string; userId: number; expiresAt: Date; passwordHash: string }): Promise<void> {
  await sql`
    INSERT INTO bulk_sessions (id, secret_hash, user_id, expires_at, password_fingerprint)
    VALUES (${s.id}, ${s.secretHash}, ${s.userId}, ${s.expiresAt}, ${fingerprint(s.passwordHash)})`.execute(db);
  // Expired sessions are of no use to anyone: each login clears some.
  await sql`DELETE FROM bulk_sessions WHERE id IN (SELECT id FROM bulk_sessions WHERE expires_at < now() - interval '1 day' LIMIT 100)`.execute(db);
}

/** The session with the state of its user now (a deleted user, one no longer admin, or a changed password counts from the next request on). */
export async function findSession(db: Db, id: string): Promise<SessionRecord | undefined> {
  const { rows } = await sql<{
    id: string;
    secret_hash: string;
    user_id: number;
    expires_at: Date;
    username: string | null;
    is_admin: boolean | null;
    is_test_user: boolean | null;
    password_current: boolean | null;
  }>`
    SELECT s.id, s.secret_hash, s.user_id, s.expires_at, u.username, u.is_admin, u.is_test_user,
           u.password_hash IS NOT NULL AND s.password_fingerprint = ${fingerprint(sql`u.password_hash`)} AS password_current
    FROM bulk_sessions s LEFT JOIN users u ON u.id = s.user_id
    WHERE s.id = ${id}`.execute(db);
  const r = rows[0];
  if (!r) return undefined;
  return {
    id: r.id,
    secretHash: r.secret_hash,
    userId: Number(r.user_id),
    expiresAt: r.expires_at,
    username: r.username,
    isAdmin: r.is_admin ?? false,
    isTestUser: r.is_test_user ?? false,
    passwordCurrent: r.password_current ?? false,
  };
}

/** Logout: true when the session existed. */
export async function deleteSession(db: Db, id: string): Promise<boolean> {
  const res = await sql`DELETE FROM bulk_sessions WHERE id = ${id}`.execute(db);
  return Number(res.numAffectedRows ?? 0n) > 0;
}

/** Revokes every session of one user (by username), or of everyone; returns how many. */
export async function deleteSessions(db: Db, who: { username: string } | 'all'): Promise<number> {
  const res =
    who === 'all'
      ? await sql`DELETE FROM bulk_sessions`.execute(db)
      : await sql`DELETE FROM bulk_sessions WHERE user_id IN (SELECT id FROM users WHERE username = ${who.username})`.execute(db);
  return Number(res.numAffectedRows ?? 0n);
}
