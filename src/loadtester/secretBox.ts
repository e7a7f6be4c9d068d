/**
 * Encryption of stored passwords (docs/load-tester-protocol.md: "Passwords are stored
 * encrypted (AES-256-GCM)"): the Load Tester's own key names on top of the shared
 * src/crypto/secretBox.ts. The username is the authenticated data of each record.
 */
import { decryptSecret, encryptSecrets, loadSecretKey as loadKey, secretKeyFilePath, type SecretKeySource } from '../crypto/secretBox.ts';

const LOADTESTER_KEY_SOURCE: SecretKeySource = { envVar: 'LOADTESTER_ENCRYPTION_KEY', keyFileName: 'loadtester.key' };

/** Where the key file lives: beside the embedded PostgreSQL data (BULK_USERS_DATA_DIR or .data). */
export function keyFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return secretKeyFilePath(LOADTESTER_KEY_SOURCE, env);
}

/** LOADTESTER_ENCRYPTION_KEY when set (and then valid), else the key file, created on first use. */
export function loadSecretKey(env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  return loadKey(LOADTESTER_KEY_SOURCE, env);
}

/** The passwords of a batch, each sealed with its username as authenticated data (one CSPRNG call for all IVs). */
export function encryptPasswords(key: Buffer, users: readonly { username: string; password: string }[]): string[] {
  return encryptSecrets(key, users.map((u) => ({ context: u.username, plaintext: u.password })));
}

export function decryptPassword(key: Buffer, username: string, encrypted: string): string {
  return decryptSecret(key, username, encrypted, LOADTESTER_KEY_SOURCE, `the stored password of "${username}"`);
}
