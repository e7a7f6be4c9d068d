import type { Command } from 'commander';
import type { OpenDatabase } from '../db/openDatabase.ts';
import { OperatorError } from '../reconcile/errors.ts';

export interface ApiKeyCommandIO {
  stdout(t: string): void;
  stderr(t: string): void;
  env: NodeJS.ProcessEnv;
}

/** `bulk-users api-key create --name NAME | revoke NAME_OR_ID | list`: keys for X-API-Key. */
export function registerApiKeyCommand(program: Command, io: ApiKeyCommandIO): void {
  const cmd = program.command('api-key').description('API keys for the HTTP API (X-API-Key header)');
  const withDb = async <T>(work: (d: OpenDatabase) => Promise<T>): Promise<T> => (await import('../db/openDatabase.ts')).withDatabase(io.env, work);
  cmd
    .command('create')
    .description('create a key; it is printed once and only its hash is stored')
    .requiredOption('--name <name>', 'what the key is for (shown in logs and audit records)')
    .action((flags: { name: string }) =>
      withDb(async ({ db }) => {
        const { createApiKey } = await import('../server/auth/createApiKey.ts');
        const key = await createApiKey(db, flags.name);
        io.stdout(`${key.token}\n`);
        io.stderr(`API key "${key.name}" (id ${key.id}) created. Store it now: it is not shown again. Send it as X-API-Key.\n`);
      }),
    );
  cmd
    .command('revoke')
    .description('revoke the active key with this name or id')
    .argument('<name-or-id>')
    .action((nameOrId: string) =>
      withDb(async ({ db }) => {
        const { revokeApiKey } = await import('../db/apiKeys.ts');
        if ((await revokeApiKey(db, nameOrId)) === 0) throw new OperatorError(`no active API key named (or with id) "${nameOrId}"; bulk-users api-key list shows them`, 'not_found');
        io.stdout(`API key "${nameOrId}" revoked\n`);
      }),
    );
  cmd
    .command('list')
    .description('list keys (ids and names; never the keys themselves)')
    .action(() =>
      withDb(async ({ db }) => {
        const { listApiKeys } = await import('../db/apiKeys.ts');
        for (const k of await listApiKeys(db)) {
          io.stdout(`${k.id}  ${k.name}  created ${k.createdAt.toISOString()}  ${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : k.lastUsedAt ? `last used ${k.lastUsedAt.toISOString()}` : 'never used'}\n`);
        }
      }),
    );
}
