import { stringify } from 'csv-stringify/sync';

export type CredentialFormat = 'artillery-csv' | 'csv' | 'k6-json';

export interface Credential {
  username: string;
  password: string;
  email: string | null;
  population: string;
}

const CSV_HEADER = ['username', 'password', 'email', 'population'];

export const CONTENT_TYPES: Record<CredentialFormat, string> = {
  'artillery-csv': 'text/csv; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  'k6-json': 'application/json; charset=utf-8',
};

/**
 * Credentials in the shapes load-test tools read (docs/load-tester-protocol.md, export), used by
 * file targets and the Load Tester's export alike:
 *
 * - `artillery-csv`: `username,password` lines, no header (Artillery maps columns by position);
 * - `csv`: header `username,password,email,population`, then one line per user (JMeter, Locust, Gatling);
 * - `k6-json`: one JSON array of `{username, password, email, population}` (k6 SharedArray).
 *
 * csv-stringify quotes a field exactly when RFC 4180 requires it. Nothing is yielded before
 * the first page has arrived, so a caller whose source fails up front can still answer
 * with an error instead of half a file.
 */
export async function* formatCredentials(format: CredentialFormat, pages: AsyncIterable<Credential[]>): AsyncGenerator<string> {
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield render(format, page, first);
    first = false;
  }
  if (format === 'k6-json') yield first ? '[]\n' : '\n]\n';
  else if (format === 'csv' && first) yield stringify([CSV_HEADER]);
}

function render(format: CredentialFormat, rows: Credential[], first: boolean): string {
  switch (format) {
    case 'artillery-csv':
      return stringify(rows.map((r) => [r.username, r.password]));
    case 'csv':
      return stringify(
        rows.map((r) => [r.username, r.password, r.email, r.population]),
        first ? { header: true, columns: CSV_HEADER } : {},
      );
    case 'k6-json': {
      // One element per line: valid JSON as a whole, and the array is never held in memory.
      const body = rows.map((r) => JSON.stringify({ username: r.username, password: r.password, email: r.email, population: r.population })).join(',\n');
      return (first ? '[\n' : ',\n') + body;
    }
  }
}
