import type { Command } from 'commander';
import { OperatorError } from '../reconcile/errors.ts';

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
  const admin = program.command('admin').description('administrators and sessions of the HTTP API');
  admin
    .command('create')
    .description(`create an admin user; the password is read from ${ADMIN_PASSWORD_ENV} or standard input`)
    .requiredOption('--username <username>', 'login name')
    .option('--email <email>', 'e-mail address')
    .action(async (flags: { username: string; email?: string }) => {
      const fromEnv = io.env[ADMIN_PASSWORD_ENV];
      const password = fromEnv !== undefined && fromEnv !== '' ? fromEnv : (await (io.readStdin ?? readAllStdin)()).replace(/\r?\n$/, '');
      if (!password) throw new OperatorError(`no password: set ${ADMIN_PASSWORD_ENV} or pipe it on standard input`, 'no_password');
      const { withDatabase } = await import('../db/openDatabase.ts');
      const { createAdminUser } = await import('../server/auth/createAdminUser.ts');
      await withDatabase(io.env, ({ db }) => createAdminUser(db, { username: flags.username, password, ...(flags.email ? { email: flags.email } : {}) }));
      io.stdout(`admin user "${flags.username.trim()}" created\n`);
    });

  // Bearer tokens die by themselves when the user's password changes; this is for the
  // other cases (a token that leaked, a user who must be locked out now).
  admin
    .command('revoke-sessions')
    .description('revoke the bearer tokens (sessions) of one user, or of everyone')
    .option('--username <username>', 'whose sessions')
    .option('--all', 'every session of every user')
    .action(async (flags: { username?: string; all?: boolean }) => {
      if (Boolean(flags.username) === Boolean(flags.all)) throw new OperatorError('pass either --username U or --all', 'bad_flag');
      const { withDatabase } = await import('../db/openDatabase.ts');
      const { deleteSessions } = await import('../db/sessions.ts');
      const n = await withDatabase(io.env, ({ db }) => deleteSessions(db, flags.all ? 'all' : { username: flags.username! }));
      io.stdout(`${n} session(s) revoked${flags.username ? ` for "${flags.username}"` : ''}\n`);
    });

  admin
    .command('unlock')
    .description('lift the lock that failed logins put on a username, and forget its failures')
    .requiredOption('--username <username>', 'login name')
    .action(async (flags: { username: string }) => {
      const { withDatabase } = await import('../db/openDatabase.ts');
      const { unlockUsername } = await import('../db/loginFailures.ts');
      const lifted = await withDatabase(io.env, ({ db }) => unlockUsername(db, flags.username));
      io.stdout(lifted ? `failed logins of "${flags.username}" forgotten\n` : `"${flags.username}" had no failed logins on record\n`);
    });
}

async function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (end with Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
