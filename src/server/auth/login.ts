import { randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from '../../crypto/passwordHash.ts';
import type { Db } from '../../db/openDatabase.ts';
import { insertSession } from '../../db/sessions.ts';
import { findLoginAccount, type LoginAccount } from '../../db/userAccounts.ts';
import { generateCredential } from './credentialToken.ts';

let dummyHash: Promise<string> | undefined;

export interface LoginSuccess {
  token: string;
  expiresAt: Date;
  account: LoginAccount;
}

/**
 * Checks a username and password against users.password_hash (scrypt, as the reconciler
 * writes it for test users and `admin create` for admins) and opens a session. An unknown
 * user costs one scrypt like a known one, so timing does not tell which usernames exist.
 */
export async function login(db: Db, username: string, password: string, opts: { ttlMs: number; now: Date }): Promise<LoginSuccess | undefined> {
  const account = await findLoginAccount(db, username);
  if (!account?.passwordHash) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password, await dummyHash);
    return undefined;
  }
  if (!(await verifyPassword(password, account.passwordHash))) return undefined;
  const cred = generateCredential('bus');
  const expiresAt = new Date(opts.now.getTime() + opts.ttlMs);
  await insertSession(db, { id: cred.id, secretHash: cred.secretHash, userId: account.id, expiresAt });
  return { token: cred.token, expiresAt, account };
}
