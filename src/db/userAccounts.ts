import { sql } from 'kysely';
import type { Db } from './openDatabase.ts';

/** What login needs of a user row (the only read of password_hash outside the reconciler). */
export interface LoginAccount {
  id: number;
  username: string;
  passwordHash: string | null;
  isAdmin: boolean;
  isTestUser: boolean;
}

export async function findLoginAccount(db: Db, username: string): Promise<LoginAccount | undefined> {
  const r = await db.selectFrom('users').select(['id', 'username', 'password_hash', 'is_admin', 'is_test_user']).where('username', '=', username).executeTakeFirst();
  return r ? { id: Number(r.id), username: r.username, passwordHash: r.password_hash, isAdmin: r.is_admin, isTestUser: r.is_test_user } : undefined;
}

/** A user's profile: every column a client may see. password_hash is not selected, ever. */
export interface UserProfile {
  id: number;
  username: string;
  email: string | null;
  is_admin: boolean;
  is_test_user: boolean;
  batch_id: string | null;
  attributes: unknown;
  created_at: Date;
  expires_at: Date | null;
}

export async function findUserProfile(db: Db, id: number): Promise<UserProfile | undefined> {
  const { rows } = await sql<UserProfile>`
    SELECT id, username, email, is_admin, is_test_user, population AS batch_id, attributes, created_at, expires_at
    FROM users WHERE id = ${id}`.execute(db);
  return rows[0] ? { ...rows[0], id: Number(rows[0].id) } : undefined;
}

/**
 * An administrator of the API: a production user (is_test_user = false, no population), so
 * the reconciler never touches it. False when the username is taken.
 */
export async function insertAdminUser(db: Db, u: { username: string; email: string | null; passwordHash: string }): Promise<boolean> {
  const res = await sql`
    INSERT INTO users (username, email, password_hash, is_test_user, is_admin)
    VALUES (${u.username}, ${u.email}, ${u.passwordHash}, false, true)
    ON CONFLICT (username) DO NOTHING`.execute(db);
  return Number(res.numAffectedRows ?? 0n) > 0;
}
