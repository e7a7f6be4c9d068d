/**
 * The two baselines the reconciler's create is measured against, writing the very rows the
 * reconciler wrote (same columns, same values) into a fresh table with the same columns,
 * defaults and indexes as `users` (CREATE TABLE … (LIKE users INCLUDING ALL)):
 *
 * - COPY FROM STDIN (text format), the practical ceiling;
 * - row-by-row INSERTs, 100 per transaction, as the scripts the reconciler replaces did.
 *   Each INSERT is a named prepared statement, which favours the baseline.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** What every member of one population carries, read back from what the reconciler wrote. */
export interface RowTemplate {
  population: string;
  prefix: string;
  suffix: string;
  /** Email equals the username (address patterns) or username@domain. */
  emailDomain: string | null;
  passwordHash: string;
  contentHash: string;
  /** jsonb as text, exactly as PostgreSQL prints it. */
  attributesText: string;
  idStart: number;
  count: number;
}

export const COLUMNS = ['username', 'email', 'password_hash', 'is_test_user', 'is_admin', 'population', 'seq', 'content_hash', 'attributes'] as const;

export function rowValues(t: RowTemplate, seq: number): [string, string, string, boolean, boolean, string, number, string, string] {
  const username = `${t.prefix}${seq}${t.suffix}`;
  return [username, t.emailDomain ? `${username}@${t.emailDomain}` : username, t.passwordHash, true, false, t.population, seq, t.contentHash, t.attributesText];
}

/** Every row of the templates, in population then seq order. */
export function* allRows(templates: readonly RowTemplate[], limit = Infinity): Generator<ReturnType<typeof rowValues>> {
  let n = 0;
  for (const t of templates) {
    for (let seq = t.idStart; seq < t.idStart + t.count; seq++) {
      if (n++ >= limit) return;
      yield rowValues(t, seq);
    }
  }
}

export async function createLikeUsers(client: pg.Client, table: string): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(`CREATE TABLE ${table} (LIKE users INCLUDING ALL)`);
}

const escapeCopy = (v: string): string => v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

/** COPY of every row into `table`; returns seconds from the first byte to the server's confirmation. */
export async function copyBaseline(client: pg.Client, table: string, templates: readonly RowTemplate[]): Promise<{ rows: number; seconds: number }> {
  const ROWS_PER_CHUNK = 2000;
  function* chunks(): Generator<string> {
    let buf: string[] = [];
    for (const r of allRows(templates)) {
      buf.push(r.map((v) => (typeof v === 'boolean' ? (v ? 't' : 'f') : escapeCopy(String(v)))).join('\t'));
      if (buf.length === ROWS_PER_CHUNK) {
        yield `${buf.join('\n')}\n`;
        buf = [];
      }
    }
    if (buf.length) yield `${buf.join('\n')}\n`;
  }
  const started = performance.now();
  const stream = client.query(copyFrom(`COPY ${table} (${COLUMNS.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks()), stream);
  const seconds = (performance.now() - started) / 1000;
  return { rows: Number(stream.rowCount), seconds };
}

/** Row-by-row INSERTs of the first `sample` rows, `perTransaction` per transaction. */
export async function rowByRowBaseline(client: pg.Client, table: string, templates: readonly RowTemplate[], sample: number, perTransaction = 100): Promise<{ rows: number; seconds: number }> {
  const text = `INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}${COLUMNS[i] === 'attributes' ? '::jsonb' : ''}`).join(', ')})`;
  const name = `bench_rbr_${table}`;
  let rows = 0;
  const started = performance.now();
  let open = false;
  for (const values of allRows(templates, sample)) {
    if (!open) {
      await client.query('BEGIN');
      open = true;
    }
    await client.query({ name, text, values });
    rows++;
    if (rows % perTransaction === 0) {
      await client.query('COMMIT');
      open = false;
    }
  }
  if (open) await client.query('COMMIT');
  return { rows, seconds: (performance.now() - started) / 1000 };
}
