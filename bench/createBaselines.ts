/**
 * The baselines the reconciler's create is measured against, writing the very rows the
 * reconciler wrote (same columns, same values) into a fresh table with the same columns,
 * defaults and indexes as `users` (CREATE TABLE … (LIKE users INCLUDING ALL)):
 *
 * - COPY FROM STDIN (text format) in seq order, one stream; and two streams at once;
 * - COPY FROM STDIN of the same rows in index order (sorted as the C-collation username
 *   index sorts them), one stream: the ceiling, rows reaching the B-tree in its own order;
 * - row-by-row INSERTs, 100 per transaction, as the scripts the reconciler replaces did.
 *   Each INSERT is a named prepared statement, which favours the baseline.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { digitOrderOf, usernameOrder } from '../src/apply/createBatches.ts';
import { copyField } from '../src/db/copyInTransaction.ts';
import type { MemberContent } from '../src/db/userStore/UserStore.ts';

/** What every member of one population carries, read back from what the reconciler wrote. */
export interface RowTemplate extends Pick<MemberContent, 'population' | 'prefix' | 'suffix' | 'emailDomain' | 'passwordHash' | 'contentHash'> {
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

/** Rows `from` (inclusive) to `to` (exclusive) of the templates, in population then seq order. */
export function* allRows(templates: readonly RowTemplate[], to = Infinity, from = 0): Generator<ReturnType<typeof rowValues>> {
  let n = 0; // index of the template's first row
  for (const t of templates) {
    for (let i = Math.max(from, n); i < Math.min(to, n + t.count); i++) yield rowValues(t, t.idStart + i - n);
    n += t.count;
  }
}

/**
 * The same rows as allRows, sorted as the username index sorts them under C collation (bytes),
 * for templates whose prefixes do not share a beginning with each other. The seqs are
 * computed (and their order checked against a plain byte comparison of each neighbour pair)
 * before anything is timed.
 */
export function indexOrder(templates: readonly RowTemplate[]): () => Generator<ReturnType<typeof rowValues>> {
  const sorted = [...templates].sort((a, b) => Buffer.compare(Buffer.from(a.prefix), Buffer.from(b.prefix)));
  const seqs = sorted.map((t) => {
    const order = digitOrderOf(t.suffix);
    if (order === null) throw new Error(`no index order for suffix ${t.suffix}`);
    const out = Float64Array.from(usernameOrder([[t.idStart, t.idStart + t.count - 1]], order));
    if (out.length !== t.count) throw new Error(`index order of ${t.population} has ${out.length} of ${t.count} rows`);
    let previous: Buffer | undefined;
    for (const s of out) {
      const name = Buffer.from(`${t.prefix}${s}${t.suffix}`);
      if (previous && Buffer.compare(previous, name) >= 0) throw new Error(`index order of ${t.population} is not sorted at seq ${s}`);
      previous = name;
    }
    return out;
  });
  return function* rows() {
    for (let i = 0; i < sorted.length; i++) for (const s of seqs[i]!) yield rowValues(sorted[i]!, s);
  };
}

export async function createLikeUsers(client: pg.Client, table: string): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(`CREATE TABLE ${table} (LIKE users INCLUDING ALL)`);
}


/**
 * COPY of every row into `table`, one stream per client, each stream a contiguous share of
 * the rows in a transaction of its own; returns seconds from the first byte to the last
 * server confirmation.
 */
export async function copyBaseline(clients: readonly pg.Client[], table: string, templates: readonly RowTemplate[]): Promise<{ rows: number; seconds: number }> {
  const total = templates.reduce((n, t) => n + t.count, 0);
  const share = Math.ceil(total / clients.length);
  const started = performance.now();
  const rows = await Promise.all(clients.map((c, i) => copyStream(c, table, allRows(templates, Math.min(total, (i + 1) * share), i * share))));
  const seconds = (performance.now() - started) / 1000;
  return { rows: rows.reduce((a, b) => a + b, 0), seconds };
}

/** COPY of `rows` (from indexOrder) on one stream, in one transaction; seconds as copyBaseline measures them. */
export async function copyInOrder(client: pg.Client, table: string, rows: () => Generator<ReturnType<typeof rowValues>>): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const n = await copyStream(client, table, rows());
  return { rows: n, seconds: (performance.now() - started) / 1000 };
}

async function copyStream(client: pg.Client, table: string, source: Iterable<ReturnType<typeof rowValues>>): Promise<number> {
  const ROWS_PER_CHUNK = 2000;
  function* chunks(): Generator<string> {
    let buf: string[] = [];
    for (const r of source) {
      buf.push(r.map((v) => (typeof v === 'boolean' ? (v ? 't' : 'f') : copyField(String(v)))).join('\t'));
      if (buf.length === ROWS_PER_CHUNK) {
        yield `${buf.join('\n')}\n`;
        buf = [];
      }
    }
    if (buf.length) yield `${buf.join('\n')}\n`;
  }
  const stream = client.query(copyFrom(`COPY ${table} (${COLUMNS.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks()), stream);
  return Number(stream.rowCount);
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
