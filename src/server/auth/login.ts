import { randomBytes } from 'node:crypto';
import { hashPassword, verifyAnyFormat } from '../../crypto/passwordHash.ts';
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
 * Checks a username and password against users.password_hash, in whichever format the
 * reconciler wrote it for test users (its ReconcilerConfig's passwordHash) or `admin create`
 * for admins (scrypt), and opens a session. An unknown user costs one scrypt like a known
 * one, so timing does not tell which usernames exist.
 */
export async function login(db: Db, username: string, password: string, opts: { ttlMs: number; now: Date }): Promise<LoginSuccess | undefined> {
  const account = await findLoginAccount(db, username);
  if (!account?.passwordHash) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyAnyFormat(await dummyHash, password);
    return undefined;
  }
  if (!(await verifyAnyFormat(account.passwordHash, password))) return undefined;
  const cred = generateCredential('bus');
  const expiresAt = new Date(opts.now.getTime() + opts.ttlMs);
  await insertSession(db, { id: cred.id, secretHash: cred.secretHash, userId: account.id, expiresAt });
  return { token: cred.token, expiresAt, account };
}
