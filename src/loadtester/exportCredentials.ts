import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { CONTENT_TYPES, formatCredentials, type Credential } from '../targets/credentialFormats.ts';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';
import { readCredentialPages, type CredentialFilter } from './readCredentialPages.ts';
import type { ExportFormat } from './routeSchemas.ts';
import { decryptPassword, isSharedPassword } from './secretBox.ts';

/** Content-Type of each export format (docs/load-tester-protocol.md, export table). */
export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = CONTENT_TYPES;

/**
 * The export as a byte stream, in the same formats file targets write. Nothing is
 * written before the first page has been read and decrypted, so a failure up front
 * (database down, wrong key) still becomes a proper JSON error instead of a truncated 200.
 */
export function exportCredentials(db: Kysely<LoadTesterDatabase>, key: Buffer, format: ExportFormat, filter: CredentialFilter): Readable {
  return Readable.from(formatCredentials(format, decrypted(db, key, filter)), { objectMode: false });
}

async function* decrypted(db: Kysely<LoadTesterDatabase>, key: Buffer, filter: CredentialFilter): AsyncGenerator<Credential[]> {
  for await (const page of readCredentialPages(db, filter)) {
    // Members of a population share one ciphertext (encryptPasswords): opened once per page.
    // Only that format, whose authenticated data is the population (part of the slot): a
    // per-username ciphertext must be checked against its own row's username each time.
    const opened = new Map<string, string>();
    const open = (r: (typeof page)[number]): string => {
      if (!isSharedPassword(r.password_enc)) return decryptPassword(key, r);
      const slot = `${r.population}\0${r.password_enc}`;
      let password = opened.get(slot);
      if (password === undefined) opened.set(slot, (password = decryptPassword(key, r)));
      return password;
    };
    yield page.map((r) => ({ username: r.username, password: open(r), email: r.email, population: r.population }));
  }
}
