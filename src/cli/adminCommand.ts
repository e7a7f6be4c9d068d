import type { Command } from 'commander';
import { withDatabase } from '../db/openDatabase.ts';
import { OperatorError } from '../reconcile/errors.ts';
import { createAdminUser } from '../server/auth/createAdminUser.ts';

export interface AdminCommandIO {
  stdout(t: string): void;
  env: NodeJS.ProcessEnv;
  /** The password when BULK_USERS_ADMIN_PASSWORD is not set (default: all of standard input). */
  readStdin?: () => Promise<string>;
}

export const ADMIN_PASSWORD_ENV = 'BULK_USERS_ADMIN_PASSWORD';

/**
 * `bulk-users admin create --username U [--email E]`: an administrator of the HTTP API
 * (users row with is_admin, is_test_user false). The password comes from
 * BULK_USERS_ADMIN_PASSWORD or standard input, never from the command line (which `ps`
 * and shell history show).
 */
export function registerAdminCommand(program: Command, io: AdminCommandIO): void {
  program
    .command('admin')
    .description('administrators of the HTTP API')
    .command('create')
    .description(`create an admin user; the password is read from ${ADMIN_PASSWORD_ENV} or standard input`)
    .requiredOption('--username <username>', 'login name')
    .option('--email <email>', 'e-mail address')
    .action(async (flags: { username: string; email?: string }) => {
      const fromEnv = io.env[ADMIN_PASSWORD_ENV];
      const password = fromEnv !== undefined && fromEnv !== '' ? fromEnv : (await (io.readStdin ?? readAllStdin)()).replace(/\r?\n$/, '');
      if (!password) throw new OperatorError(`no password: set ${ADMIN_PASSWORD_ENV} or pipe it on standard input`, 'no_password');
      await withDatabase(io.env, ({ db }) => createAdminUser(db, { username: flags.username, password, ...(flags.email ? { email: flags.email } : {}) }));
      io.stdout(`admin user "${flags.username.trim()}" created\n`);
    });
}

async function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (end with Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
