import { pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';

// Above this, one verification would hold ~1 GiB: a stored hash asking for more is refused, not run.
const MAX_SCRYPT_MEMORY = 1024 * 1024 * 1024;

/** node:crypto's scrypt on the libuv pool; undefined when N, r, p are out of bounds. */
export function scryptKey(password: string | Buffer, salt: Buffer, keyLength: number, N: number, r: number, p: number): Promise<Buffer> | undefined {
  if (!(N > 1 && (N & (N - 1)) === 0) || r < 1 || p < 1 || 128 * N * r > MAX_SCRYPT_MEMORY || p > 16) return undefined;
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** node:crypto's PBKDF2-HMAC-SHA256 on the libuv pool. */
export function pbkdf2Sha256(password: string, salt: Buffer, iterations: number, keyLength = 32): Promise<Buffer> {
  return new Promise((resolve, reject) => pbkdf2(password, salt, iterations, keyLength, 'sha256', (err, key) => (err ? reject(err) : resolve(key))));
}

/** timingSafeEqual that answers false for different lengths instead of throwing. */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

const SALT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A random salt of letters and digits, as Werkzeug's gen_salt and Django's salt() make them
 * (both formats keep the salt as text, and `$` would break their parsing). Rejection
 * sampling keeps every character equally likely.
 */
export function alphanumericSalt(length: number, random: (n: number) => Buffer): string {
  let out = '';
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      if (byte < 248 && out.length < length) out += SALT_CHARS[byte % 62];
    }
  }
  return out;
}
