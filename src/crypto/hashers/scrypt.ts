import { randomBytes } from 'node:crypto';
import { positiveIntegers, type HashFormat } from './HashFormat.ts';
import { sameBytes, scryptKey } from './kdf.ts';

export interface ScryptParams {
  n?: number;
  r?: number;
  p?: number;
}

function parse(stored: string): { n: number; r: number; p: number; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const nums = positiveIntegers(parts.slice(1, 4));
  if (!nums) return undefined;
  const [n, r, p] = nums as [number, number, number];
  return { n, r, p, salt: Buffer.from(parts[4]!, 'base64'), key: Buffer.from(parts[5]!, 'base64') };
}

/**
 * This project's own format, `scrypt$N$r$p$salt$hash` (base64): the parameters travel with
 * the hash, so they can be raised later. N=2^15 is OWASP's floor (2^17 is its
 * recommendation for interactive logins, but test users are verified on every login of a
 * load test; 2^15 keeps one under ~50 ms on small machines).
 */
export const scryptFormat: HashFormat<ScryptParams> = {
  id: 'scrypt',
  defaults: { n: 32768, r: 8, p: 1 },
  async hash(plain, { n, r, p }) {
    const salt = randomBytes(16);
    const key = await scryptKey(plain, salt, 32, n, r, p);
    if (!key) throw new RangeError(`scrypt parameters out of range: N=${n}, r=${r}, p=${p}`);
    return ['scrypt', n, r, p, salt.toString('base64'), key.toString('base64')].join('$');
  },
  matches: (stored) => parse(stored) !== undefined,
  async verify(stored, plain) {
    const h = parse(stored);
    if (!h || h.key.length === 0) return false;
    const actual = await scryptKey(plain, h.salt, h.key.length, h.n, h.r, h.p);
    return actual !== undefined && sameBytes(actual, h.key);
  },
  hasParams(stored, { n, r, p }) {
    const h = parse(stored);
    return h !== undefined && h.n === n && h.r === r && h.p === p;
  },
};
