import { randomBytes } from 'node:crypto';
import { positiveIntegers, type HashFormat } from './HashFormat.ts';
import { alphanumericSalt, pbkdf2Sha256, sameBytes } from './kdf.ts';

export interface Pbkdf2Params {
  iterations?: number;
}

const MAX_ITERATIONS = 100_000_000;

/**
 * A PBKDF2-HMAC-SHA256 format of the kind Django and Werkzeug write: the iteration count,
 * an alphanumeric salt used as its UTF-8 bytes, and the 32-byte key in some encoding. Each
 * format names how its string is laid out; checking and hashing are the same for all.
 */
export function pbkdf2Sha256Format(format: {
  id: string;
  /** Captures the iterations, the salt and the encoded key, in that order. */
  shape: RegExp;
  saltLength: number;
  keyEncoding: 'base64' | 'hex';
  encode: (iterations: number, salt: string, key: string) => string;
}): HashFormat<Pbkdf2Params> {
  const parse = (stored: string): { iterations: number; salt: string; key: Buffer } | undefined => {
    const m = format.shape.exec(stored);
    const nums = m && positiveIntegers([m[1]!]);
    if (!m || !nums || nums[0]! > MAX_ITERATIONS) return undefined;
    return { iterations: nums[0]!, salt: m[2]!, key: Buffer.from(m[3]!, format.keyEncoding) };
  };
  return {
    id: format.id,
    defaults: { iterations: 1_000_000 },
    async hash(plain, { iterations }) {
      const salt = alphanumericSalt(format.saltLength, randomBytes);
      const key = await pbkdf2Sha256(plain, Buffer.from(salt, 'utf8'), iterations);
      return format.encode(iterations, salt, key.toString(format.keyEncoding));
    },
    matches: (stored) => parse(stored) !== undefined,
    async verify(stored, plain) {
      const h = parse(stored);
      if (!h) return false;
      return sameBytes(await pbkdf2Sha256(plain, Buffer.from(h.salt, 'utf8'), h.iterations), h.key);
    },
    hasParams: (stored, { iterations }) => parse(stored)?.iterations === iterations,
  };
}
