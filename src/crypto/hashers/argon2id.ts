import { hash as argon2Hash, verify as argon2Verify, type Algorithm } from '@node-rs/argon2';
import { positiveIntegers, type HashFormat } from './HashFormat.ts';

export interface Argon2idParams {
  /** KiB of memory (`m=`). */
  memoryCost?: number;
  /** Passes (`t=`). */
  timeCost?: number;
  /** Lanes (`p=`). */
  parallelism?: number;
}

// The PHC string every Argon2 library writes: `$argon2id$v=19$m=…,t=…,p=…$<salt b64>$<hash b64>`.
const SHAPE = /^\$argon2id\$v=19\$m=([0-9]+),t=([0-9]+),p=([0-9]+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
// A stored hash asking for more than 1 GiB per check is refused rather than run.
const MAX_MEMORY_KIB = 1024 * 1024;
// The package declares its enum `const`, which a type-only import cannot inline.
const ARGON2ID = 2 as Algorithm;

function params(stored: string): Required<Argon2idParams> | undefined {
  const m = SHAPE.exec(stored);
  const nums = m && positiveIntegers(m.slice(1, 4));
  if (!nums || nums[0]! > MAX_MEMORY_KIB) return undefined;
  const [memoryCost, timeCost, parallelism] = nums as [number, number, number];
  return { memoryCost, timeCost, parallelism };
}

/**
 * Argon2id (argon2-cffi, Django's Argon2PasswordHasher, Spring's Argon2PasswordEncoder,
 * PHP's password_hash). The default m=19456 KiB, t=2, p=1 is OWASP's minimum recommendation.
 */
export const argon2idFormat: HashFormat<Argon2idParams> = {
  id: 'argon2id',
  defaults: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
  hash: (plain, { memoryCost, timeCost, parallelism }) => argon2Hash(plain, { algorithm: ARGON2ID, memoryCost, timeCost, parallelism }),
  matches: (stored) => params(stored) !== undefined,
  async verify(stored, plain) {
    return params(stored) !== undefined && argon2Verify(stored, plain).catch(() => false);
  },
  hasParams(stored, want) {
    const got = params(stored);
    return got !== undefined && got.memoryCost === want.memoryCost && got.timeCost === want.timeCost && got.parallelism === want.parallelism;
  },
};
