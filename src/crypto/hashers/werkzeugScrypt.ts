import { randomBytes } from 'node:crypto';
import { positiveIntegers, type HashFormat } from './HashFormat.ts';
import { alphanumericSalt, sameBytes, scryptKey } from './kdf.ts';
import type { ScryptParams } from './scrypt.ts';

// generate_password_hash(pw) of Werkzeug >= 2.3 (Flask's default):
// `scrypt:N:r:p$<16 letters/digits>$<hex of hashlib.scrypt(pw, salt=salt.encode(), dklen=64)>`.
const SHAPE = /^scrypt:([0-9]+):([0-9]+):([0-9]+)\$([^$]+)\$([0-9a-f]+)$/;

function parse(stored: string): { n: number; r: number; p: number; salt: string; key: Buffer } | undefined {
  const m = SHAPE.exec(stored);
  const nums = m && positiveIntegers(m.slice(1, 4));
  if (!m || !nums || m[5]!.length % 2 !== 0) return undefined;
  const [n, r, p] = nums as [number, number, number];
  return { n, r, p, salt: m[4]!, key: Buffer.from(m[5]!, 'hex') };
}

/** Werkzeug's `scrypt:32768:8:1$salt$hex`, as Flask applications store it. */
export const werkzeugScryptFormat: HashFormat<ScryptParams> = {
  id: 'werkzeug-scrypt',
  defaults: { n: 32768, r: 8, p: 1 },
  async hash(plain, { n, r, p }) {
    const salt = alphanumericSalt(16, randomBytes);
    const key = await scryptKey(plain, Buffer.from(salt, 'utf8'), 64, n, r, p);
    if (!key) throw new RangeError(`scrypt parameters out of range: N=${n}, r=${r}, p=${p}`);
    return `scrypt:${n}:${r}:${p}$${salt}$${key.toString('hex')}`;
  },
  matches: (stored) => parse(stored) !== undefined,
  async verify(stored, plain) {
    const h = parse(stored);
    if (!h) return false;
    const actual = await scryptKey(plain, Buffer.from(h.salt, 'utf8'), h.key.length, h.n, h.r, h.p);
    return actual !== undefined && sameBytes(actual, h.key);
  },
  hasParams(stored, { n, r, p }) {
    const h = parse(stored);
    return h !== undefined && h.n === n && h.r === r && h.p === p;
  },
};
