/**
 * Encryption of secrets a service must be able to read back (AES-256-GCM), for the Load
 * Tester's credentials and the passwords of API-created populations alike.
 *
 * A value that has to be handed back in plain text cannot be hashed; it is encrypted
 * instead, so a copy of the database alone (backup, dump, shared server) reveals nothing
 * without the key. Each service names where its key comes from: an environment variable
 * (base64 of 32 bytes) or, when that is not set, a key file beside the embedded
 * PostgreSQL data, created on first use.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { OperatorError } from '../errors.ts';
import { dataDirectory } from '../dataDirectory.ts';
import { describeLooseMode, looseModeOf } from './privateFileMode.ts';

/** Where one service's key comes from. */
export interface SecretKeySource {
  /** Environment variable holding the key in base64, e.g. LOADTESTER_ENCRYPTION_KEY. */
  envVar: string;
  /** File name of the key inside the data directory (BULK_USERS_DATA_DIR or .data). */
  keyFileName: string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12; // the size GCM is designed for
const TAG_BYTES = 16;
/** Versioned so the format (or the key) can be rotated later without guessing. */
const PREFIX = 'v1:';

/** The key is missing, malformed or does not open the stored data; the message says which and where (the operator's to fix). */
export class SecretKeyError extends OperatorError {
  constructor(message: string) {
    super(message, 'encryption_key');
    this.name = 'SecretKeyError';
  }
}

/** Where the key file lives: beside the embedded PostgreSQL data (BULK_USERS_DATA_DIR or .data). */
export function secretKeyFilePath(source: SecretKeySource, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDirectory(env), source.keyFileName);
}

/**
 * The environment variable when set (it must then be valid: silently falling back to a
 * file would encrypt with a key the operator does not know about); else the key file,
 * created on first use unless `create` is false (a reader of data that some key already
 * encrypted must not invent a new one).
 */
export async function loadSecretKey(source: SecretKeySource, env: NodeJS.ProcessEnv = process.env, opts: { create?: boolean } = {}): Promise<Buffer> {
  const fromEnv = env[source.envVar];
  if (fromEnv !== undefined && fromEnv !== '') return parseSecretKey(fromEnv, source.envVar);
  const file = secretKeyFilePath(source, env);
  if (opts.create === false) {
    try {
      return await readKeyFile(file);
    } catch (err) {
      if (errCode(err) === 'ENOENT') throw new SecretKeyError(`no encryption key: set ${source.envVar}, or run where the key file ${file} is (BULK_USERS_DATA_DIR)`);
      throw err;
    }
  }
  return readOrCreateKeyFile(file);
}

/** Decodes base64 text of exactly 32 bytes; `origin` names where it came from in the error. */
export function parseSecretKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  // Buffer.from(…, 'base64') skips characters it does not know, so check the alphabet first:
  // a typo must be an error, not a different key.
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
  if (!key || key.length !== KEY_BYTES) {
    throw new SecretKeyError(
      `${origin} must be ${KEY_BYTES} random bytes in base64 (44 characters, e.g. from \`openssl rand -base64 32\`); ` +
        (key ? `it decodes to ${key.length} bytes` : 'it is not base64'),
    );
  }
  return key;
}

/**
 * A key file others can read is refused, as ssh refuses such a private key: whoever read
 * it can decrypt every stored password, so the operator must know and fix it.
 */
async function readKeyFile(file: string): Promise<Buffer> {
  const text = await fs.readFile(file, 'utf8');
  const loose = await looseModeOf(file);
  if (loose !== undefined) throw new SecretKeyError(`refusing the encryption key: ${describeLooseMode(file, loose)}`);
  return parseSecretKey(text, `key file ${file}`);
}

async function readOrCreateKeyFile(file: string): Promise<Buffer> {
  try {
    return await readKeyFile(file);
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
  return readKeyFile(file);
}

/**
 * `v1:` + base64(iv ‖ tag ‖ ciphertext). `context` (a username, a population name) is
 * authenticated data, so a ciphertext copied onto another row does not decrypt there.
 */
export function encryptSecret(key: Buffer, context: string, plaintext: string): string {
  return sealWithIv(key, randomBytes(IV_BYTES), context, plaintext);
}

/**
 * encryptSecret of many values at once, each with its own random IV as before, but the
 * IVs drawn from the CSPRNG in one call: per value, that call cost about as much as the
 * cipher itself (a bulk upsert encrypts thousands of passwords per request).
 */
export function encryptSecrets(key: Buffer, items: readonly { context: string; plaintext: string }[]): string[] {
  const ivs = randomBytes(IV_BYTES * items.length);
  return items.map((item, i) => sealWithIv(key, ivs.subarray(i * IV_BYTES, (i + 1) * IV_BYTES), item.context, item.plaintext));
}

function sealWithIv(key: Buffer, iv: Buffer, context: string, plaintext: string): string {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = cipher.update(plaintext, 'utf8');
  const tail = cipher.final(); // empty for GCM, a stream mode; kept for the general contract
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body, tail]).toString('base64');
}

/** The inverse of encryptSecret; `what` names the value in errors, e.g. `the stored password of "alice"`. */
export function decryptSecret(key: Buffer, context: string, encrypted: string, source: SecretKeySource, what: string): string {
  const raw = encrypted.startsWith(PREFIX) ? Buffer.from(encrypted.slice(PREFIX.length), 'base64') : undefined;
  if (!raw || raw.length < IV_BYTES + TAG_BYTES) {
    throw new SecretKeyError(`${what} is not in a format this version can read`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(
      `cannot decrypt ${what}: the encryption key is not the one it was stored with ` + `(check ${source.envVar} or the key file ${source.keyFileName})`,
    );
  }
}

function errCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}
