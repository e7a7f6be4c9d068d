import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import type { HashFormat } from './HashFormat.ts';

export interface BcryptParams {
  cost?: number;
}

// `$2b$<cost>$<22 salt chars><31 hash chars>`; `$2a$`/`$2y$` are the same algorithm, as
// Rails (bcrypt-ruby) and PHP write it, so they verify too.
const MAX_BYTES = 72;
const SHAPE = /^\$2[aby]\$([0-9]{2})\$[./A-Za-z0-9]{53}$/;

/**
 * bcrypt (Devise, has_secure_password, Laravel, Spring's BCryptPasswordEncoder). Cost 12 is
 * the default of bcrypt-ruby, Python's bcrypt and Laravel. @node-rs/bcrypt runs on the libuv
 * pool, so a login does not stall the event loop for the ~0.2 s a cost-12 check takes.
 */
export const bcryptFormat: HashFormat<BcryptParams> = {
  id: 'bcrypt',
  defaults: { cost: 12 },
  async hash(plain, { cost }) {
    // bcrypt reads only the first 72 bytes: a longer password would silently share its hash
    // with every password of the same prefix, so it is refused.
    if (Buffer.byteLength(plain, 'utf8') > MAX_BYTES) throw new Error(`bcrypt uses only the first ${MAX_BYTES} bytes of a password, and this one is longer`);
    // The library marks its hashes $2y$ (PHP's name); $2b$ is the same algorithm under the
    // name every other implementation writes (bcrypt-ruby, Python's bcrypt, Spring), so the
    // marker is swapped and nothing else.
    const hashed = await bcryptHash(plain, cost);
    if (!/^\$2[by]\$/.test(hashed)) throw new Error(`the bcrypt library wrote an unexpected marker "${hashed.slice(0, 4)}"`);
    return `$2b$${hashed.slice(4)}`;
  },
  matches: (stored) => SHAPE.test(stored),
  async verify(stored, plain) {
    return SHAPE.test(stored) && bcryptVerify(plain, stored).catch(() => false);
  },
  hasParams: (stored, { cost }) => stored.startsWith('$2b$') && Number(SHAPE.exec(stored)?.[1]) === cost,
};
