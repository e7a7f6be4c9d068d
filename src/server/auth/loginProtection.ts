import { integerFromEnv } from '../../integerFromEnv.ts';

/**
 * Brute-force protection of POST /api/auth/login, after Keycloak's: only *failed*
 * attempts count, per username and per client address, so a load tool logging in
 * hundreds of test users from one machine is never slowed down, while guessing one
 * user's password (or spraying one password over many users) is.
 */
export interface LoginProtection {
  /** Failed attempts for one username within `windowMs` before it is locked (BULK_USERS_LOGIN_MAX_FAILURES). */
  maxFailuresPerUsername: number;
  /** Failed attempts from one address within `windowMs` before it is locked (BULK_USERS_LOGIN_MAX_FAILURES_PER_ADDRESS). */
  maxFailuresPerAddress: number;
  /** The window failures are counted in, and how long a lock lasts (BULK_USERS_LOGIN_LOCKOUT seconds). */
  windowMs: number;
}

export const LOGIN_PROTECTION_ENV = {
  maxFailuresPerUsername: 'BULK_USERS_LOGIN_MAX_FAILURES',
  maxFailuresPerAddress: 'BULK_USERS_LOGIN_MAX_FAILURES_PER_ADDRESS',
  lockoutSeconds: 'BULK_USERS_LOGIN_LOCKOUT',
} as const;

export function loginProtectionFromEnv(env: NodeJS.ProcessEnv): LoginProtection {
  return {
    maxFailuresPerUsername: integerFromEnv(env, LOGIN_PROTECTION_ENV.maxFailuresPerUsername, { fallback: 10, min: 1, max: 100_000 }),
    maxFailuresPerAddress: integerFromEnv(env, LOGIN_PROTECTION_ENV.maxFailuresPerAddress, { fallback: 100, min: 1, max: 1_000_000 }),
    windowMs: integerFromEnv(env, LOGIN_PROTECTION_ENV.lockoutSeconds, { fallback: 900, min: 1, max: 86400, unit: 'seconds' }) * 1000,
  };
}
