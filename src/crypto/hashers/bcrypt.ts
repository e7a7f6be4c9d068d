import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import type { HashFormat } from './HashFormat.ts';

export interface BcryptParams {
  cost?: number;
}

// `$2b$<cost>$<22 salt chars><31 hash chars>`; `$2a$`/`$2y$` are the same algorithm, as
// Rails (bcrypt-ruby) and PHP write it, so they verify too.
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
    // with every password of the same prefix, so it is refused (the library says so).
    return bcryptHash(plain, { cost, version: '2b', rejectLongPasswords: true });
  },
  matches: (stored) => SHAPE.test(stored),
  async verify(stored, plain) {
    return SHAPE.test(stored) && bcryptVerify(plain, stored).catch(() => false);
  },
  hasParams: (stored, { cost }) => stored.startsWith('$2b$') && Number(SHAPE.exec(stored)?.[1]) === cost,
};
