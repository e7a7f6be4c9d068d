import { randomBytes } from 'node:crypto';
import { positiveIntegers, type HashFormat } from './HashFormat.ts';
import { alphanumericSalt, pbkdf2Sha256, sameBytes } from './kdf.ts';
import type { Pbkdf2Params } from './werkzeugPbkdf2Sha256.ts';

// Django's PBKDF2PasswordHasher.encode: `pbkdf2_sha256$<iterations>$<salt>$<base64 of the
// 32-byte key>`, the salt being 22 letters/digits (128 bits, as BasePasswordHasher.salt makes it).
const SHAPE = /^pbkdf2_sha256\$([0-9]+)\$([^$]+)\$([A-Za-z0-9+/]{43}=)$/;
const MAX_ITERATIONS = 100_000_000;

function parse(stored: string): { iterations: number; salt: string; key: Buffer } | undefined {
  const m = SHAPE.exec(stored);
  const nums = m && positiveIntegers([m[1]!]);
  if (!m || !nums || nums[0]! > MAX_ITERATIONS) return undefined;
  return { iterations: nums[0]!, salt: m[2]!, key: Buffer.from(m[3]!, 'base64') };
}

/**
 * Django's default hasher. 1,000,000 iterations is Django 5.2's PBKDF2PasswordHasher.iterations;
 * configure your Django version's value, or Django rewrites the hash at the user's first login.
 */
export const djangoPbkdf2Sha256Format: HashFormat<Pbkdf2Params> = {
  id: 'django-pbkdf2-sha256',
  defaults: { iterations: 1_000_000 },
  async hash(plain, { iterations }) {
    const salt = alphanumericSalt(22, randomBytes);
    const key = await pbkdf2Sha256(plain, Buffer.from(salt, 'utf8'), iterations);
    return `pbkdf2_sha256$${iterations}$${salt}$${key.toString('base64')}`;
  },
  matches: (stored) => parse(stored) !== undefined,
  async verify(stored, plain) {
    const h = parse(stored);
    if (!h) return false;
    return sameBytes(await pbkdf2Sha256(plain, Buffer.from(h.salt, 'utf8'), h.iterations), h.key);
  },
  hasParams: (stored, { iterations }) => parse(stored)?.iterations === iterations,
};
