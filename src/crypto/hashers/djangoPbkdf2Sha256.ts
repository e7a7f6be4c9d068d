import { pbkdf2Sha256Format } from './pbkdf2Sha256Format.ts';

/**
 * Django's default hasher, PBKDF2PasswordHasher.encode: `pbkdf2_sha256$<iterations>$<salt>$<base64
 * of the 32-byte key>`, the salt being 22 letters/digits (128 bits, as BasePasswordHasher.salt
 * makes it). 1,000,000 iterations is Django 5.2's PBKDF2PasswordHasher.iterations; configure
 * your Django version's value, or Django rewrites the hash at the user's first login.
 */
export const djangoPbkdf2Sha256Format = pbkdf2Sha256Format({
  id: 'django-pbkdf2-sha256',
  shape: /^pbkdf2_sha256\$([0-9]+)\$([^$]+)\$([A-Za-z0-9+/]{43}=)$/,
  saltLength: 22,
  keyEncoding: 'base64',
  encode: (iterations, salt, key) => `pbkdf2_sha256$${iterations}$${salt}$${key}`,
});
