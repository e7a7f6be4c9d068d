import type { PasswordHash as PasswordHashConfig } from '../spec/schemaTypes.generated.ts';
import { argon2idFormat } from './hashers/argon2id.ts';
import { bcryptFormat } from './hashers/bcrypt.ts';
import { djangoPbkdf2Sha256Format } from './hashers/djangoPbkdf2Sha256.ts';
import type { HashFormat } from './hashers/HashFormat.ts';
import { scryptFormat } from './hashers/scrypt.ts';
import { werkzeugPbkdf2Sha256Format } from './hashers/werkzeugPbkdf2Sha256.ts';
import { werkzeugScryptFormat } from './hashers/werkzeugScrypt.ts';

export type { PasswordHashConfig };
export type HashAlgorithm = PasswordHashConfig['algorithm'];

// Keyed by the schema's enum, so a format missing here (or one the schema lacks) fails to compile.
const FORMATS: Record<HashAlgorithm, HashFormat<object>> = {
  scrypt: scryptFormat,
  bcrypt: bcryptFormat,
  argon2id: argon2idFormat,
  'django-pbkdf2-sha256': djangoPbkdf2Sha256Format,
  'werkzeug-scrypt': werkzeugScryptFormat,
  'werkzeug-pbkdf2-sha256': werkzeugPbkdf2Sha256Format,
};

export interface PasswordHasher {
  readonly algorithm: HashAlgorithm;
  hash(plain: string): Promise<string>;
  /** True when `stored` is in the configured format with the configured parameters. */
  isCurrent(stored: string): boolean;
}

/** The configured format with its parameters resolved: the schema's keys for the format, else its defaults. */
export function passwordHasher(config: PasswordHashConfig): PasswordHasher {
  const format = FORMATS[config.algorithm];
  const given = config as unknown as Record<string, unknown>;
  const params = Object.fromEntries(Object.entries(format.defaults).map(([k, v]) => [k, given[k] ?? v]));
  return {
    algorithm: config.algorithm,
    hash: (plain) => format.hash(plain, params),
    isCurrent: (stored) => format.matches(stored) && format.hasParams(stored, params),
  };
}

/** The format a stored hash is in, recognised by its own prefix and shape. */
export function formatOf(stored: string): HashAlgorithm | undefined {
  return (Object.keys(FORMATS) as HashAlgorithm[]).find((id) => FORMATS[id].matches(stored));
}

/** Checks a plaintext against a stored hash in any format this project writes; false for anything else. */
export async function verifyAnyFormat(stored: string, plain: string): Promise<boolean> {
  const id = formatOf(stored);
  return id !== undefined && FORMATS[id].verify(stored, plain);
}

/** A hash in this project's own scrypt format, as `admin create` writes it whatever test users use. */
export function hashPassword(plain: string): Promise<string> {
  return passwordHasher({ algorithm: 'scrypt' }).hash(plain);
}
