import { sql } from 'kysely';
import type { Db } from './openDatabase.ts';

export type LoginFailureScope = 'username' | 'address';

export interface LoginLock {
  scope: LoginFailureScope;
  until: Date;
}

/** The lock that lasts longest among this username's and this address's, if any is in force at `now`. */
export async function findLoginLock(db: Db, who: { username: string; address: string }, now: Date): Promise<LoginLock | undefined> {
  const { rows } = await sql<{ scope: LoginFailureScope; locked_until: Date }>`
    SELECT scope, locked_until FROM bulk_login_failures
    WHERE ((scope = 'username' AND key = ${who.username}) OR (scope = 'address' AND key = ${who.address}))
      AND locked_until > ${now}
    ORDER BY locked_until DESC LIMIT 1`.execute(db);
  return rows[0] ? { scope: rows[0].scope, until: rows[0].locked_until } : undefined;
}

/**
 * Counts one failed login against the username and the address, in one statement (so
 * concurrent failures are all counted). A count that starts a new window restarts at 1;
 * one that reaches its scope's maximum locks that scope for `windowMs` from now.
 */
export async function recordLoginFailure(
  db: Db,
  who: { username: string; address: string },
  limits: { maxFailuresPerUsername: number; maxFailuresPerAddress: number; windowMs: number },
  now: Date,
): Promise<void> {
  const windowStart = new Date(now.getTime() - limits.windowMs);
  const lockedUntil = new Date(now.getTime() + limits.windowMs);
  const failures = sql`CASE WHEN f.window_started_at <= ${windowStart} THEN 1 ELSE f.failures + 1 END`;
  const max = sql`CASE f.scope WHEN 'username' THEN ${limits.maxFailuresPerUsername}::int ELSE ${limits.maxFailuresPerAddress}::int END`;
  await sql`
    INSERT INTO bulk_login_failures AS f (scope, key, failures, window_started_at, locked_until)
    VALUES ('username', ${who.username}, 1, ${now}, ${limits.maxFailuresPerUsername <= 1 ? lockedUntil : null}::timestamptz),
           ('address', ${who.address}, 1, ${now}, ${limits.maxFailuresPerAddress <= 1 ? lockedUntil : null}::timestamptz)
    ON CONFLICT (scope, key) DO UPDATE SET
      failures = ${failures},
      window_started_at = CASE WHEN f.window_started_at <= ${windowStart} THEN ${now} ELSE f.window_started_at END,
      locked_until = CASE WHEN ${failures} >= ${max} THEN ${lockedUntil} ELSE f.locked_until END`.execute(db);
  // Rows whose window and lock are over count for nothing: each failure clears some.
  await sql`
    DELETE FROM bulk_login_failures WHERE (scope, key) IN (
      SELECT scope, key FROM bulk_login_failures
      WHERE window_started_at <= ${windowStart} AND (locked_until IS NULL OR locked_until <= ${now}) LIMIT 100)`.execute(db);
}

/** A successful login clears the username's failures (never the address's: a sprayer could reset it with an account of its own). */
export async function clearUsernameFailures(db: Db, username: string): Promise<void> {
  await sql`DELETE FROM bulk_login_failures WHERE scope = 'username' AND key = ${username}`.execute(db);
}

/** `admin unlock`: lifts a username's lock and forgets its failures; true when there was something to lift. */
export async function unlockUsername(db: Db, username: string): Promise<boolean> {
  const res = await sql`DELETE FROM bulk_login_failures WHERE scope = 'username' AND key = ${username}`.execute(db);
  return Number(res.numAffectedRows ?? 0n) > 0;
}
