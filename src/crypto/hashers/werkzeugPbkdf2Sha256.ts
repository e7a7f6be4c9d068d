import { pbkdf2Sha256Format } from './pbkdf2Sha256Format.ts';

export type { Pbkdf2Params } from './pbkdf2Sha256Format.ts';

/**
 * Werkzeug's generate_password_hash(pw, 'pbkdf2:sha256:N'):
 * `pbkdf2:sha256:N$<16 letters/digits>$<hex of pbkdf2_hmac('sha256', pw, salt.encode(), N)>`;
 * 1,000,000 iterations is Werkzeug 3.1's default.
 */
export const werkzeugPbkdf2Sha256Format = pbkdf2Sha256Format({
  id: 'werkzeug-pbkdf2-sha256',
  shape: /^pbkdf2:sha256:([0-9]+)\$([^$]+)\$([0-9a-f]{64})$/,
  saltLength: 16,
  keyEncoding: 'hex',
  encode: (iterations, salt, key) => `pbkdf2:sha256:${iterations}$${salt}$${key}`,
});
