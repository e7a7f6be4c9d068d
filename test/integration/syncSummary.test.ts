/**
 * bulk_sync_summary (migration 0006) replaces a pass over the sync state with one row per
 * (target, population). An installation upgraded with sync state already recorded must get
 * a summary equal to that state, and keep it equal through every kind of statement.
 */
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrations.ts';
import { suspendSyncSummary, syncAggregates } from '../../src/db/syncQueries.ts';
import { syncSummaryAndTruth } from '../support/testDatabase.ts';

const admin = inject('adminDatabaseUrl');
const name = `bu_test_${randomBytes(5).toString('hex')}`;
let pool: pg.Pool;
let db: Kysely<any>;
const query = async (text: string, params?: unknown[]) => (await pool.query(text, params)).rows;

beforeAll(async () => {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  pool = new pg.Pool({ connectionString: u.toString(), max: 2, statement_timeout: 5000 });
  pool.on('error', () => {});
  db = new Kysely({ dialect: new PostgresDialect({ pool }) });
});
afterAll(async () => {
  await db?.destroy();
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
});

it('is built from the sync state on upgrade, then follows inserts, upserts, moves, deletes and truncation', async () => {
  await migrateToLatest(db, '0005_continuous');
  await query(`INSERT INTO bulk_sync_state (target, username, population, content_hash)
               SELECT t, 'u' || i, 'p' || (i % 3), md5(i::text) FROM generate_series(1, 3000) i, unnest(ARRAY['a', 'b']) t`);
  await migrateToLatest(db);
  const check = async () => {
    const { summary, truth } = await syncSummaryAndTruth({ query });
    expect(summary).toEqual(truth);
    return summary.length;
  };
  expect(await check()).toBe(6);

  // An upsert that inserts some rows and changes the hash and the population of others.
  await query(`INSERT INTO bulk_sync_state (target, username, population, content_hash)
               SELECT 'a', 'u' || i, CASE WHEN i % 2 = 0 THEN 'p9' ELSE 'p1' END, 'changed' FROM generate_series(2500, 3500) i
               ON CONFLICT (target, username) DO UPDATE SET population = excluded.population, content_hash = excluded.content_hash`);
  expect(await check()).toBe(7);
  await query(`UPDATE bulk_sync_state SET content_hash = 'again' WHERE target = 'b' AND username LIKE 'u1%'`);
  await check();
  await query(`DELETE FROM bulk_sync_state WHERE target = 'a' AND population = 'p0'`);
  expect(await check()).toBe(6);
  // Two writers at once on the same population: both deltas land.
  await Promise.all([
    query(`INSERT INTO bulk_sync_state (target, username, population, content_hash) SELECT 'c', 'x' || i, 'p', 'h' FROM generate_series(1, 500) i`),
    query(`INSERT INTO bulk_sync_state (target, username, population, content_hash) SELECT 'c', 'y' || i, 'p', 'h' FROM generate_series(1, 500) i`),
  ]);
  await check();
  expect(Number((await query(`SELECT count FROM bulk_sync_summary WHERE target = 'c'`))[0].count)).toBe(1000);
  await query('TRUNCATE bulk_sync_state');
  expect(await check()).toBe(0);
});

it("a transaction that suspends it (a dry run's drift repair) takes none of its locks, sees its own writes, and leaves it intact", async () => {
  await migrateToLatest(db);
  await query(`INSERT INTO bulk_sync_state (target, username, population, content_hash) SELECT 'd', 'd' || i, 'p', 'h' FROM generate_series(1, 100) i`);
  await db.transaction().execute(async (trx) => {
    await suspendSyncSummary(trx as never);
    await sql`DELETE FROM bulk_sync_state WHERE target = 'd' AND username IN ('d1', 'd2', 'd3')`.execute(trx);
    // What syncAggregates reads inside that transaction: the state as the transaction sees it.
    expect((await syncAggregates(trx as never, 'd')).get('p')?.count).toBe(97);
    // A sync chunk of the same population, meanwhile, is not kept waiting on the summary row.
    await query(`INSERT INTO bulk_sync_state (target, username, population, content_hash) SELECT 'd', 'e' || i, 'p', 'h' FROM generate_series(1, 10) i`);
    await sql`ROLLBACK AND CHAIN`.execute(trx); // undo, as a dry run does; the chained transaction commits nothing
  });
  const { summary, truth } = await syncSummaryAndTruth({ query });
  expect(summary).toEqual(truth);
  expect(truth).toContainEqual(expect.objectContaining({ target: 'd', population: 'p', count: 110 }));
});
