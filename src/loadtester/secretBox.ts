/**
 * Encryption of stored passwords (docs/load-tester-protocol.md: "Passwords are stored
 * encrypted (AES-256-GCM)").
 *
 * The Load Tester must hand plaintext passwords back to load-test tools, so it cannot hash
 * them; it encrypts them instead, and a copy of the database alone (backup, dump, shared
 * server) reveals nothing without the key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export const KEY_ENV = 'LOADTESTER_ENCRYPTION_KEY';
export const KEY_FILE_NAME = 'loadtester.key';
const KEY_BYTES = 32;
const IV_BYTES = 12; // the size GCM is designed for
const TAG_BYTES = 16;
/** Versioned so the format (or the key) can be rotated later without guessing. */
const PREFIX = 'v1:';

/** The key is missing, malformed or does not open the stored data; the message says which and where. */
export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

/** Where the key file lives: beside the embedded PostgreSQL data (BULK_USERS_DATA_DIR or .data). */
export function keyFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.resolve(env.BULK_USERS_DATA_DIR ?? '.data'), KEY_FILE_NAME);
}

/**
 * LOADTESTER_ENCRYPTION_KEY when set (it must then be valid: silently falling back to a
 * file would encrypt with a key the operator does not know about); else the key file,
 * created on first use.
 */
export async function loadSecretKey(env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const fromEnv = env[KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return parseSecretKey(fromEnv, KEY_ENV);
  return readOrCreateKeyFile(keyFilePath(env));
}

/** Decodes base64 text of exactly 32 bytes; `source` names where it came from in the error. */
export function parseSecretKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  // Buffer.from(…, 'base64') skips characters it does not know, so check the alphabet first:
  // a typo must be an error, not a different key.
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
  if (!key || key.length !== KEY_BYTES) {
    throw new SecretKeyError(
      `${source} must be ${KEY_BYTES} random bytes in base64 (44 characters, e.g. from \`openssl rand -base64 32\`); ` +
        (key ? `it decodes to ${key.length} bytes` : 'it is not base64'),
    );
  }
  return key;
}

async function readOrCreateKeyFile(file: string): Promise<Buffer> {
  try {
    return parseSecretKey(await fs.readFile(file, 'utf8'), `key file ${file}`);
  } catch (err) {
    if (errCode(err) !== 'ENOENT') throw err;
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written completely under a private name, then linked into place: link() fails if the
  // file appeared meanwhile, so two processes starting together cannot each create (and
  // encrypt with) a key of their own, and nobody ever reads a half-written file.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await fs.link(tmp, file);
  } catch (err) {
    if (errCode(err) !== 'EEXIST') throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return parseSecretKey(await fs.readFile(file, 'utf8'), `key file ${file}`);
}

/**
 * `v1:` + base64(iv ‖ tag ‖ ciphertext). The username is authenticated data, so a
 * ciphertext copied onto another row does not decrypt there.
 */
export function encryptPassword(key: Buffer, username: string, password: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(username, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
}

export function decryptPassword(key: Buffer, username: string, encrypted: string): string {
  const raw = encrypted.startsWith(PREFIX) ? Buffer.from(encrypted.slice(PREFIX.length), 'base64') : undefined;
  if (!raw || raw.length < IV_BYTES + TAG_BYTES) {
    throw new SecretKeyError(`the stored password of "${username}" is not in a format this version can read`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(username, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(
      `cannot decrypt the stored password of "${username}": the encryption key is not the one it was stored with ` +
        `(check ${KEY_ENV} or the key file ${KEY_FILE_NAME})`,
    );
  }
}

function errCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}
