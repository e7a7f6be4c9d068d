import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/db/openDatabase.ts';

export interface TestDatabase {
  url: string;
  /** A migrated Kysely handle on it. */
  database: OpenDatabase;
  /** Plain pg client for assertions in raw SQL. */
  query<R extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/** A fresh, migrated database on the shared test server; dropped by `drop()`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = inject('adminDatabaseUrl');
  const name = `bu_test_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const url = u.toString();
  const database = await openDatabase({ url });
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
 * bulk_sync_summary as it stands, and as a fresh pass over bulk_sync_state computes it: the
 * triggers that keep the summary must make the two equal after every statement.
 */
export async function syncSummaryAndTruth(db: Pick<TestDatabase, 'query'>): Promise<{ summary: unknown[]; truth: unknown[] }> {
  const summary = await db.query(`SELECT target, population, count::int AS count, digest::text AS digest FROM bulk_sync_summary WHERE count <> 0 ORDER BY 1, 2`);
  const truth = await db.query(
    `SELECT target, population, count(*)::int AS count,
            ((sum(('x' || substr(md5(username || ':' || content_hash), 1, 16))::bit(64)::bigint::numeric) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616)::text AS digest
     FROM bulk_sync_state GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return { summary, truth };
}
