import { sql } from 'kysely';
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
}

export async function insertSession(db: Db, s: { id: string; secretHash: string; userId: number; expiresAt: Date }): Promise<void> {
  await db.insertInto('bulk_sessions').values({ id: s.id, secret_hash: s.secretHash, user_id: s.userId, expires_at: s.expiresAt }).execute();
  // Expired sessions are of no use to anyone: each login clears some.
  await sql`DELETE FROM bulk_sessions WHERE id IN (SELECT id FROM bulk_sessions WHERE expires_at < now() - interval '1 day' LIMIT 100)`.execute(db);
}

/** The session with the state of its user now (a deleted user, or one no longer admin, counts from the next request on). */
export async function findSession(db: Db, id: string): Promise<SessionRecord | undefined> {
  const { rows } = await sql<{ id: string; secret_hash: string; user_id: number; expires_at: Date; username: string | null; is_admin: boolean | null; is_test_user: boolean | null }>`
    SELECT s.id, s.secret_hash, s.user_id, s.expires_at, u.username, u.is_admin, u.is_test_user
    FROM bulk_sessions s LEFT JOIN users u ON u.id = s.user_id
    WHERE s.id = ${id}`.execute(db);
  const r = rows[0];
  if (!r) return undefined;
  return { id: r.id, secretHash: r.secret_hash, userId: r.user_id, expiresAt: r.expires_at, username: r.username, isAdmin: r.is_admin ?? false, isTestUser: r.is_test_user ?? false };
}
