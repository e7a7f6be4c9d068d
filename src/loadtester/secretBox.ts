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

/**
 * Marks a password sealed once for a whole population (encryptPasswords) rather than for
 * one username, as records written before this format were (and may still be).
 */
const SHARED = 'p1:';

/** Whether a stored password was sealed for its population (else for its username). */
export function isSharedPassword(passwordEnc: string): boolean {
  return passwordEnc.startsWith(SHARED);
}

/**
 * The authenticated data of a password sealed for a population. NUL never occurs in a
 * stored username, so this never equals the authenticated data of the earlier format (the
 * bare username): a per-username ciphertext given the `p1:` mark does not open.
 */
function populationContext(population: string): string {
  return `\u0000population\u0000${population}`;
}

/**
 * The passwords of a batch, sealed once per distinct password and population, with the
 * population as authenticated data; records that share both share the ciphertext.
 *
 * Per record, AES-GCM cost about 6 µs of the service's CPU (half of it the cipher's
 * set-up, whatever the length), more than half of what a bulk upsert cost it; the
 * reconciler's members of a population all carry that population's one password. What this gives up: the
 * username is no longer authenticated, so someone able to write the table could give a
 * record the stored password of another record of its population (anyone who can write
 * the table can already replace records), and a reader of the table sees which records of
 * a population share a password (every member of a reconciled population does).
 */
export function encryptPasswords(key: Buffer, users: readonly { population: string; password: string }[]): string[] {
  // NUL never occurs in a stored text (assertStorableRecords), so it separates the two.
  const slot = (u: { population: string; password: string }): string => `${u.population}\0${u.password}`;
  const distinct = new Map<string, { population: string; password: string }>();
  for (const u of users) if (!distinct.has(slot(u))) distinct.set(slot(u), u);
  const items = [...distinct.values()];
  const sealed = encryptSecrets(key, items.map((u) => ({ context: populationContext(u.population), plaintext: u.password })));
  const bySlot = new Map(items.map((u, i) => [slot(u), SHARED + sealed[i]!]));
  return users.map((u) => bySlot.get(slot(u))!);
}

/** The stored password of a record, whichever of the two formats it was written in. */
export function decryptPassword(key: Buffer, record: { username: string; population: string; password_enc: string }): string {
  const what = `the stored password of "${record.username}"`;
  if (isSharedPassword(record.password_enc)) {
    return decryptSecret(key, populationContext(record.population), record.password_enc.slice(SHARED.length), LOADTESTER_KEY_SOURCE, what);
  }
  return decryptSecret(key, record.username, record.password_enc, LOADTESTER_KEY_SOURCE, what);
}
