import { randomBytes } from 'node:crypto';
import { hashPassword, verifyAnyFormat } from '../../crypto/passwordHash.ts';
import { clearUsernameFailures, findLoginLock, recordLoginFailure, type LoginFailureScope } from '../../db/loginFailures.ts';
import type { Db } from '../../db/openDatabase.ts';
import { findLoginAccount, type LoginAccount } from '../../db/userAccounts.ts';
import { createSession } from './createSession.ts';
import { verifyPasswordCached } from './verifyPasswordCached.ts';
import type { LoginProtection } from './loginProtection.ts';
import { sessionTtlMsFor, type SessionPolicy } from './sessionPolicy.ts';

let dummyHash: Promise<string> | undefined;

export type LoginOutcome =
  | { ok: true; token: string; sessionId: string; expiresAt: Date; ttlMs: number; account: LoginAccount }
  | { ok: false; reason: 'invalid' }
  /** Too many failures for this username or from this address: refused without checking the password. */
  | { ok: false; reason: 'locked'; scope: LoginFailureScope; retryAfterSeconds: number };

export interface LoginOptions {
  /** The client's address, for counting failures per address. */
  address: string;
  sessions: SessionPolicy;
  protection: LoginProtection;
  now: Date;
}

/**
 * Checks a username and password against users.password_hash, in whichever format the
 * reconciler wrote it for test users (its ReconcilerConfig's passwordHash) or `admin create`
 * for admins (scrypt), and opens a session. An unknown user costs one scrypt like a wrong
 * password does, so timing does not tell which usernames exist (a right password is faster
 * once it has been seen: verifyPasswordCached). Only failures are counted (per username and
 * per address); a locked username or address is refused before any password check.
 */
export async function login(db: Db, username: string, password: string, opts: LoginOptions): Promise<LoginOutcome> {
  const who = { username, address: opts.address };
  const lock = await findLoginLock(db, who, opts.now);
  if (lock) return { ok: false, reason: 'locked', scope: lock.scope, retryAfterSeconds: Math.max(1, Math.ceil((lock.until.getTime() - opts.now.getTime()) / 1000)) };

  const account = await findLoginAccount(db, username);
  let verified = false;
  if (account?.passwordHash) {
    verified = await verifyPasswordCached(password, account.passwordHash);
  } else {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyAnyFormat(await dummyHash, password);
  }
  if (!verified || !account?.passwordHash) {
    await recordLoginFailure(db, who, opts.protection, opts.now);
    return { ok: false, reason: 'invalid' };
  }
  await clearUsernameFailures(db, username);
  const ttlMs = sessionTtlMsFor(account, opts.sessions);
  const session = await createSession(db, { userId: account.id, passwordHash: account.passwordHash, ttlMs, now: opts.now });
  return { ok: true, token: session.token, sessionId: session.id, expiresAt: session.expiresAt, ttlMs, account };
}
