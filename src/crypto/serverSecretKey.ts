import { loadSecretKey, type SecretKeySource } from './secretBox.ts';

/**
 * The key that encrypts the passwords of API-created populations in bulk_api_populations:
 * BULK_USERS_SECRET_KEY (base64 of 32 bytes), else the key file `bulk-users.key` in the
 * data directory, created on first use. Losing it makes those passwords unreadable (the
 * populations must then be re-created); back it up with the database.
 */
export const SERVER_KEY_SOURCE: SecretKeySource = { envVar: 'BULK_USERS_SECRET_KEY', keyFileName: 'bulk-users.key' };

export function loadServerSecretKey(env: NodeJS.ProcessEnv = process.env, opts: { create?: boolean } = {}): Promise<Buffer> {
  return loadSecretKey(SERVER_KEY_SOURCE, env, opts);
}
