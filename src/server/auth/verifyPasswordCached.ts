import { createHmac, randomBytes } from 'node:crypto';
import { verifyAnyFormat } from '../../crypto/passwordHash.ts';

/**
 * verifyAnyFormat, remembering successes. The reconciler hashes a password once per
 * population, so every member of a population shares one stored hash; a load test
 * logging in its hundreds of test users therefore presents the same (hash, password) pair
 * again and again, and would otherwise pay a full scrypt (tens to hundreds of ms of CPU)
 * for each. A pair that verified once verifies again: remembering it tells a caller
 * nothing the 200 did not. Failures are never remembered (every wrong guess pays scrypt),
 * and a changed hash is a new key. Keys are HMACs under a key that lives only in this
 * process, so the memory holds no password or hash. Concurrent checks of one pair share
 * one scrypt.
 */
const MAX_ENTRIES = 10_000;
const key = randomBytes(32);
const remembered = new Map<string, Promise<boolean>>();

export async function verifyPasswordCached(plain: string, stored: string): Promise<boolean> {
  const id = createHmac('sha256', key).update(stored).update('\0').update(plain).digest('base64url');
  const known = remembered.get(id);
  if (known) return known;
  const pending = verifyAnyFormat(stored, plain).catch(() => false);
  remembered.set(id, pending);
  if (remembered.size > MAX_ENTRIES) remembered.delete(remembered.keys().next().value!);
  const ok = await pending;
  if (!ok) remembered.delete(id);
  return ok;
}
