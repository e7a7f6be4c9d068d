import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';
import { readCredentialPages, type CredentialFilter, type StoredCredential } from './readCredentialPages.ts';
import type { ExportFormat } from './routeSchemas.ts';
import { decryptPassword } from './secretBox.ts';

/** Content-Type of each export format (docs/load-tester-protocol.md, export table). */
export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  'artillery-csv': 'text/csv; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  'k6-json': 'application/json; charset=utf-8',
};

const CSV_HEADER = ['username', 'password', 'email', 'population'];

/**
 * The export as a byte stream in the shape the load-test tool expects
 * (../shared/reference/load-tools.md):
 *
 * - `artillery-csv`: `username,password` lines, no header (Artillery maps columns by position);
 * - `csv`: header `username,password,email,population`, then one line per user;
 * - `k6-json`: one JSON array of `{username, password, email, population}`.
 *
 * CSV goes through csv-stringify, which quotes a field exactly when RFC 4180 requires it
 * (comma, double quote, CR or LF inside) and doubles inner quotes. Lines end in "\n", which
 * every listed tool accepts.
 *
 * Nothing is written before the first page has been read and decrypted, so a failure that
 * happens up front (database down, wrong key) still becomes a proper JSON error response
 * instead of a truncated 200.
 */
export function exportCredentials(db: Kysely<LoadTesterDatabase>, key: Buffer, format: ExportFormat, filter: CredentialFilter): Readable {
  return Readable.from(chunks(db, key, format, filter), { objectMode: false });
}

async function* chunks(db: Kysely<LoadTesterDatabase>, key: Buffer, format: ExportFormat, filter: CredentialFilter): AsyncGenerator<string> {
  let first = true;
  for await (const page of readCredentialPages(db, filter)) {
    yield render(format, page.map((r) => ({ ...r, password: decrypt(key, r) })), first);
    first = false;
  }
  if (format === 'k6-json') yield first ? '[]\n' : '\n]\n';
  else if (format === 'csv' && first) yield stringify([CSV_HEADER]);
}

interface PlainCredential {
  username: string;
  password: string;
  email: string | null;
  population: string;
}

function render(format: ExportFormat, rows: PlainCredential[], first: boolean): string {
  switch (format) {
    case 'artillery-csv':
      return stringify(rows.map((r) => [r.username, r.password]));
    case 'csv':
      return stringify(
        rows.map((r) => [r.username, r.password, r.email, r.population]),
        first ? { header: true, columns: CSV_HEADER } : {},
      );
    case 'k6-json': {
      // Each element is serialised on its own line: valid JSON as a whole, and the array
      // is never held in memory.
      const body = rows.map((r) => JSON.stringify({ username: r.username, password: r.password, email: r.email, population: r.population })).join(',\n');
      return (first ? '[\n' : ',\n') + body;
    }
  }
}

function decrypt(key: Buffer, r: StoredCredential): string {
  return decryptPassword(key, r.username, r.password_enc);
}
