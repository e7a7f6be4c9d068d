import { stringify } from 'csv-stringify/sync';

export type CredentialFormat = 'artillery-csv' | 'csv' | 'k6-json';

export interface Credential {
  username: string;
  password: string;
  email: string | null;
  population: string;
}

/**
 * Credentials in the shapes load-test tools read (shared/reference/load-tools.md):
 * Artillery's payload CSV has no header and maps columns by position; JMeter, Locust and
 * Gatling take a header line; k6 reads a JSON array into a SharedArray. CSV quoting is
 * csv-stringify's (RFC 4180).
 */
export async function* formatCredentials(format: CredentialFormat, rows: AsyncIterable<Credential[]>): AsyncGenerator<string> {
  if (format === 'k6-json') {
    let first = true;
    yield '[';
    for await (const chunk of rows) {
      for (const r of chunk) {
        yield `${first ? '\n' : ',\n'}${JSON.stringify({ username: r.username, password: r.password, email: r.email, population: r.population })}`;
        first = false;
      }
    }
    yield first ? ']\n' : '\n]\n';
    return;
  }
  if (format === 'csv') yield stringify([['username', 'password', 'email', 'population']]);
  for await (const chunk of rows) {
    if (chunk.length === 0) continue;
    yield format === 'artillery-csv'
      ? stringify(chunk.map((r) => [r.username, r.password]))
      : stringify(chunk.map((r) => [r.username, r.password, r.email ?? '', r.population]));
  }
}

export const CONTENT_TYPES: Record<CredentialFormat, string> = {
  'artillery-csv': 'text/csv; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  'k6-json': 'application/json; charset=utf-8',
};
