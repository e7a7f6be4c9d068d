import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { CONTENT_TYPES, formatCredentials, type Credential } from '../targets/credentialFormats.ts';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';
import { readCredentialPages, type CredentialFilter } from './readCredentialPages.ts';
import type { ExportFormat } from './routeSchemas.ts';
import { decryptPassword } from './secretBox.ts';

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
    yield page.map((r) => ({ username: r.username, password: decryptPassword(key, r.username, r.password_enc), email: r.email, population: r.population }));
  }
}
