/**
 * The Load Tester's access tokens. Plaintext credentials leave the Load Tester, and records
 * change in it, only for a caller holding one:
 *
 * - the write token (LOADTESTER_TOKEN): every route; what the reconciler uses;
 * - the read token (LOADTESTER_READ_TOKEN, optional): digests, bucket listings and exports,
 *   for load tools that only fetch credentials.
 *
 * Without LOADTESTER_TOKEN the write token is a random one kept in the file
 * `loadtester.token` of the data directory (mode 0600, created once), so a reconciler on
 * the same machine (same data directory) finds it with no setup.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSecretKey, parseSecretKey, type SecretKeySource } from '../crypto/secretBox.ts';
import { dataDirectory } from '../dataDirectory.ts';
import { OperatorError } from '../errors.ts';

export const WRITE_TOKEN_ENV = 'LOADTESTER_TOKEN';
export const READ_TOKEN_ENV = 'LOADTESTER_READ_TOKEN';
export const TOKEN_FILE_NAME = 'loadtester.token';
/** Shorter operator-chosen tokens could be guessed; the generated one has 256 bits. */
const MIN_TOKEN_LENGTH = 16;

// The token file is the same random-32-bytes-in-base64 file as the key files, so it reuses
// their race-free creation. The variable is only a name here: an operator-chosen token is
// read from the environment below, never parsed as a key.
const TOKEN_FILE_SOURCE: SecretKeySource = { envVar: WRITE_TOKEN_ENV, keyFileName: TOKEN_FILE_NAME };

export interface LoadTesterTokens {
  write: string;
  read?: string;
}

export interface ResolvedTokens {
  tokens: LoadTesterTokens;
  /** Where the write token came from: the variable's name, or the token file's path. Never the token. */
  writeFrom: string;
  /** The write token was set explicitly (the environment), as exposing the service requires. */
  explicit: boolean;
}

export function tokenFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDirectory(env), TOKEN_FILE_NAME);
}

/** True when the operator set LOADTESTER_TOKEN (an empty value counts as unset). */
export function hasExplicitWriteToken(env: NodeJS.ProcessEnv): boolean {
  return (env[WRITE_TOKEN_ENV] ?? '') !== '';
}

/** The Load Tester's tokens: from the environment, else the token file (created on first use). */
export async function resolveLoadTesterTokens(env: NodeJS.ProcessEnv): Promise<ResolvedTokens> {
  const read = optionalToken(env, READ_TOKEN_ENV);
  const fromEnv = optionalToken(env, WRITE_TOKEN_ENV);
  const write = fromEnv ?? (await loadSecretKey(TOKEN_FILE_SOURCE, { ...env, [WRITE_TOKEN_ENV]: '' })).toString('base64');
  if (read !== undefined && read === write) {
    throw new OperatorError(`${READ_TOKEN_ENV} must differ from the write token: a read-only token that also writes is not read-only`, 'loadtester_token');
  }
  return { tokens: { write, ...(read !== undefined ? { read } : {}) }, writeFrom: fromEnv !== undefined ? WRITE_TOKEN_ENV : tokenFilePath(env), explicit: fromEnv !== undefined };
}

/**
 * The token file of a Load Tester sharing this data directory, for a reconciler on the same
 * machine; undefined when there is none. Never creates one: a token nobody serves is useless.
 */
export async function readTokenFile(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const file = tokenFilePath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseSecretKey(text, `token file ${file}`).toString('base64');
}

function optionalToken(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const value = env[variable];
  if (value === undefined || value === '') return undefined;
  if (value.length < MIN_TOKEN_LENGTH || /\s/.test(value)) {
    throw new OperatorError(
      `${variable} must be at least ${MIN_TOKEN_LENGTH} characters without spaces (e.g. from \`openssl rand -base64 32\`)`,
      'loadtester_token',
    );
  }
  return value;
}
