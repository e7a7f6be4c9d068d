import { randomBytes } from 'node:crypto';
import { positiveIntegers, type HashFormat } from './HashFormat.ts';
import { alphanumericSalt, pbkdf2Sha256, sameBytes } from './kdf.ts';

export interface Pbkdf2Params {
  iterations?: number;
}

// generate_password_hash(pw, 'pbkdf2:sha256:N'):
// `pbkdf2:sha256:N$<16 letters/digits>$<hex of pbkdf2_hmac('sha256', pw, salt.encode(), N)>`.
const SHAPE = /^pbkdf2:sha256:([0-9]+)\$([^$]+)\$([0-9a-f]{64})$/;
const MAX_ITERATIONS = 100_000_000;

function parse(stored: string): { iterations: number; salt: string; key: Buffer } | undefined {
  const m = SHAPE.exec(stored);
  const nums = m && positiveIntegers([m[1]!]);
  if (!m || !nums || nums[0]! > MAX_ITERATIONS) return undefined;
  return { iterations: nums[0]!, salt: m[2]!, key: Buffer.from(m[3]!, 'hex') };
}

/** Werkzeug's `pbkdf2:sha256:<iterations>$salt$hex`; 1,000,000 iterations is Werkzeug 3.1's default. */
export const werkzeugPbkdf2Sha256Format: HashFormat<Pbkdf2Params> = {
  id: 'werkzeug-pbkdf2-sha256',
  defaults: { iterations: 1_000_000 },
  async hash(plain, { iterations }) {
    const salt = alphanumericSalt(16, randomBytes);
    const key = await pbkdf2Sha256(plain, Buffer.from(salt, 'utf8'), iterations);
    return `pbkdf2:sha256:${iterations}$${salt}$${key.toString('hex')}`;
  },
  matches: (stored) => parse(stored) !== undefined,
  async verify(stored, plain) {
    const h = parse(stored);
    if (!h) return false;
    return sameBytes(await pbkdf2Sha256(plain, Buffer.from(h.salt, 'utf8'), h.iterations), h.key);
  },
  hasParams: (stored, { iterations }) => parse(stored)?.iterations === iterations,
};
