import { hashPassword } from '../../crypto/passwordHash.ts';
import type { Db } from '../../db/openDatabase.ts';
import { insertAdminUser } from '../../db/userAccounts.ts';
import { OperatorError } from '../../reconcile/errors.ts';

export const MIN_ADMIN_PASSWORD_LENGTH = 12;

/** Inserts an administrator of the HTTP API (a production user with is_admin); refuses a taken username. */
export async function createAdminUser(db: Db, opts: { username: string; password: string; email?: string }): Promise<void> {
  const username = opts.username.trim();
  if (!username || /\s/.test(username) || username.length > 320) throw new OperatorError('--username must be 1-320 characters without spaces', 'bad_flag');
  if (opts.password.length < MIN_ADMIN_PASSWORD_LENGTH) {
    throw new OperatorError(`the admin password must have at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`, 'weak_password');
  }
  const passwordHash = await hashPassword(opts.password);
  if (!(await insertAdminUser(db, { username, email: opts.email ?? null, passwordHash }))) {
    throw new OperatorError(`a user named "${username}" exists already; nothing was changed`, 'exists');
  }
}
