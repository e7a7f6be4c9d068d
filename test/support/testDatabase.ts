import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/db/openDatabase.ts';

export interface TestDatabase {
  url: string;
  /** A Kysely handle on it (migrated unless created with `migrate: false`). */
  database: OpenDatabase;
  /** Plain pg client for assertions in raw SQL. */
  query<R extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/**
 * A fresh database on the shared test server, migrated unless `migrate: false` (a test
 * of an upgrade migrates it itself); dropped by `drop()`.
 */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const admin = inject('adminDatabaseUrl');
  const name = `bu_test_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const url = u.toString();
  const database = await openDatabase({ url, ...(opts.migrate === false ? { migrate: false } : {}) });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // DROP DATABASE ... WITH (FORCE) may reach a client that is still closing; its FATAL
  // notice must not become an uncaught error of the test run.
  pool.on('error', () => {});
  return {
    url,
    database,
    async query(text, params) {
      return (await pool.query(text, params as unknown[])).rows;
    },
    async drop() {
      await database.close();
      await pool.end();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Production users as an application would have them: not test users, no population. */
export async function seedProductionUsers(db: TestDatabase, usernames: string[]): Promise<void> {
  await db.query(
    `INSERT INTO users (username, email, password_hash, is_test_user, is_admin, created_at, updated_at)
     SELECT u, u || '@prod.example', 'app-hash-' || u, false, u LIKE 'admin%', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'
     FROM unnest($1::text[]) AS u`,
    [usernames],
  );
}

/** Every production row, in full, for byte-for-byte comparison. */
export async function productionSnapshot(db: TestDatabase): Promise<string> {
  const rows = await db.query(`SELECT to_jsonb(u) AS row FROM users u WHERE is_test_user = false ORDER BY id`);
  return JSON.stringify(rows);
}

/**
 * bulk_sync_summary as it stands, and as a fresh pass over every record of the sync state (bulk_sync_records) computes it: the
 * triggers that keep the summary must make the two equal after every statement.
 */
export async function syncSummaryAndTruth(db: Pick<TestDatabase, 'query'>): Promise<{ summary: unknown[]; truth: unknown[] }> {
  const summary = await db.query(`SELECT target, population, count::int AS count, digest::text AS digest FROM bulk_sync_summary WHERE count <> 0 ORDER BY 1, 2`);
  const truth = await db.query(
    `SELECT target, population, count(*)::int AS count,
            ((sum(('x' || substr(md5(username || ':' || content_hash), 1, 16))::bit(64)::bigint::numeric) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616)::text AS digest
     FROM bulk_sync_records GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return { summary, truth };
}

/**
 * Usernames the sync state holds twice for one target (through two ranges, or a range and
 * a row): the state must hold each at most once, or counts and digests go wrong.
 */
export async function syncStateDuplicates(db: Pick<TestDatabase, 'query'>): Promise<unknown[]> {
  return db.query(`SELECT target, username, count(*)::int AS n FROM bulk_sync_records GROUP BY 1, 2 HAVING count(*) > 1 ORDER BY 1, 2 LIMIT 10`);
}

/**
 * bulk_user_summary (what the triggers kept) next to the same groups computed here from the
 * users table: count and seq bounds per (population, content hash, lease end,
 * username shape). The shape is computed in TypeScript, independently of the migration's
 * SQL. The summary's bounds may be wider than the rows' (a delete leaves them); each
 * summary row is reported with the truth's bounds when it contains them.
 */
export async function usersSummaryAndTruth(db: Pick<TestDatabase, 'query'>): Promise<{ summary: unknown[]; truth: unknown[] }> {
  const key = (r: { population: string | null; content_hash: string | null; expires_at: string | null; shape: string | null }) =>
    JSON.stringify([r.population, r.content_hash, r.expires_at, r.shape]);
  const rows = await db.query<{ population: string | null; content_hash: string | null; expires_at: string | null; username: string; seq: string | null }>(
    `SELECT population, content_hash, expires_at::text AS expires_at, username, seq::text AS seq FROM users WHERE is_test_user`,
  );
  const groups = new Map<string, { population: string | null; content_hash: string | null; expires_at: string | null; shape: string | null; count: number; min_seq: string | null; max_seq: string | null }>();
  for (const r of rows) {
    const at = r.seq === null ? -1 : r.username.lastIndexOf(r.seq);
    const shape = at < 0 ? null : `${r.username.slice(0, at)}{id}${r.username.slice(at + r.seq!.length)}`;
    const k = key({ ...r, shape });
    const g = groups.get(k) ?? { population: r.population, content_hash: r.content_hash, expires_at: r.expires_at, shape, count: 0, min_seq: null, max_seq: null };
    g.count++;
    if (r.seq !== null) {
      if (g.min_seq === null || BigInt(r.seq) < BigInt(g.min_seq)) g.min_seq = r.seq;
      if (g.max_seq === null || BigInt(r.seq) > BigInt(g.max_seq)) g.max_seq = r.seq;
    }
    groups.set(k, g);
  }
  const truth = [...groups.values()].sort((a, b) => key(a).localeCompare(key(b)));
  const stored = await db.query<{ population: string | null; content_hash: string | null; expires_at: string | null; shape: string | null; count: number; min_seq: string | null; max_seq: string | null }>(
    `SELECT population, content_hash, expires_at::text AS expires_at, shape, count::int AS count, min_seq::text AS min_seq, max_seq::text AS max_seq FROM bulk_user_summary WHERE count <> 0`,
  );
  const summary = stored
    .map((s) => {
      const t = groups.get(key(s));
      const contains = t && t.min_seq !== null && s.min_seq !== null && BigInt(s.min_seq) <= BigInt(t.min_seq) && BigInt(s.max_seq!) >= BigInt(t.max_seq!);
      return contains ? { ...s, min_seq: t.min_seq, max_seq: t.max_seq } : s;
    })
    .sort((a, b) => key(a).localeCompare(key(b)));
  return { summary, truth };
}
