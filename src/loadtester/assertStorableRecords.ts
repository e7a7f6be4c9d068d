import { HttpError } from '../http/HttpError.ts';
import type { CredentialInput } from './routeSchemas.ts';

/**
 * Checks what a JSON schema cannot express, before anything is written:
 *
 * - each username once: the protocol says so, and with two versions of one user in a batch
 *   `ON CONFLICT DO UPDATE` would fail ("cannot affect row a second time") or, worse, the
 *   result would depend on row order;
 * - text PostgreSQL can store unchanged: it rejects NUL in text, and a lone UTF-16
 *   surrogate would be turned into U+FFFD on the way in, so the stored record (and its
 *   digest or exported password) would silently differ from what was sent.
 */
export function assertStorableRecords(users: readonly CredentialInput[]): void {
  const firstIndex = new Map<string, number>();
  users.forEach((u, i) => {
    for (const field of ['username', 'password', 'email', 'population', 'content_hash'] as const) {
      const value = u[field];
      if (typeof value === 'string' && !isStorableText(value)) {
        throw new HttpError(400, 'invalid_request', `users[${i}].${field} contains a NUL character or an unpaired UTF-16 surrogate`);
      }
    }
    const seen = firstIndex.get(u.username);
    if (seen !== undefined) {
      throw new HttpError(400, 'duplicate_username', `users[${i}].username "${u.username}" also appears at users[${seen}]; send each username once`);
    }
    firstIndex.set(u.username, i);
  });
}

/** Usernames of a delete request must be storable text too, or the query fails with a 500. */
export function assertStorableUsernames(usernames: readonly string[]): void {
  usernames.forEach((u, i) => {
    if (!isStorableText(u)) throw new HttpError(400, 'invalid_request', `usernames[${i}] contains a NUL character or an unpaired UTF-16 surrogate`);
  });
}

// With the `u` flag a well-formed pair is one code point, so only unpaired halves match.
const UNSTORABLE = /[\u0000\ud800-\udfff]/u;

export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}
