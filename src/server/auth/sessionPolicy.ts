import { integerFromEnv } from '../../integerFromEnv.ts';

/** How long bearer tokens live, by kind of user. */
export interface SessionPolicy {
  /** Admins and any other non-test user (BULK_USERS_SESSION_TTL, default 1 hour). */
  ttlMs: number;
  /**
   * Test users (BULK_USERS_TEST_USER_SESSION_TTL, default 15 minutes). Their passwords are
   * shared widely (load-tool configs, exports, CSV files), so a token that leaks with them
   * should not outlive a test run by much; a load tool that runs longer logs in again,
   * which costs one password check (failed logins only are limited).
   */
  testUserTtlMs: number;
}

export const SESSION_TTL_ENV = 'BULK_USERS_SESSION_TTL';
export const TEST_USER_SESSION_TTL_ENV = 'BULK_USERS_TEST_USER_SESSION_TTL';

export function sessionPolicyFromEnv(env: NodeJS.ProcessEnv): SessionPolicy {
  const ttl = integerFromEnv(env, SESSION_TTL_ENV, { fallback: 3600, min: 60, max: 30 * 86400, unit: 'seconds' });
  const testTtl = integerFromEnv(env, TEST_USER_SESSION_TTL_ENV, { fallback: 900, min: 60, max: 86400, unit: 'seconds' });
  return { ttlMs: ttl * 1000, testUserTtlMs: testTtl * 1000 };
}

/** A test user's token never lives longer than an admin's. */
export function sessionTtlMsFor(account: { isTestUser: boolean }, policy: SessionPolicy): number {
  return account.isTestUser ? Math.min(policy.testUserTtlMs, policy.ttlMs) : policy.ttlMs;
}
