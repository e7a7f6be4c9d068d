import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextUnsyncedWindow } from '../../src/db/syncQueries.ts';
import { EmbeddedUsersStore } from '../../src/db/userStore/EmbeddedUsersStore.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

/**
 * The window of a sync reads `window` users and probes the sync state once per user by
 * its primary key: its cost must not grow with how much the target already holds (a
 * full sync of N records would grow as N²). Counted with PostgreSQL's per-transaction
 * table statistics, which need no flush: tuples a sequential scan of bulk_sync_state
 * returned, and rows its index scans fetched.
 */
const N = 200_000;
const SYNCED = 100_000;
const WINDOW = 5000;
let db: TestDatabase;
const store = new EmbeddedUsersStore();

beforeAll(async () => {
  db = await createTestDatabase();
  await db.query(`
    INSERT INTO users (username, email, password_hash, is_test_user, population, seq, content_hash, attributes)
    SELECT 'win_' || i, NULL, 'x', true, 'win', i, 'h' || i, '{}'::jsonb FROM generate_series(1, ${N}) i`);
  // The target holds the first SYNCED users; one of them with another content, one under another population.
  await db.query(`
    INSERT INTO bulk_sync_state (target, username, population, content_hash)
    SELECT 'lt', username, CASE WHEN seq = 7 THEN 'elsewhere' ELSE population END, CASE WHEN seq = 5 THEN 'old' ELSE content_hash END
    FROM users WHERE seq <= ${SYNCED}`);
});
afterAll(async () => {
  await db?.drop();
});

async function windowWithStats(cursor: number): Promise<{ sent: number[]; seqTuples: number; fetched: number }> {
  return db.database.db.transaction().execute(async (trx) => {
    const w = await nextUnsyncedWindow(trx, store, 'lt', 'win', cursor, WINDOW);
    const { rows } = await sql<{ seq_tuples: number; fetched: number }>`
      SELECT pg_stat_get_xact_tuples_returned('bulk_sync_state'::regclass)::int AS seq_tuples,
             pg_stat_get_xact_tuples_fetched('bulk_sync_state'::regclass)::int AS fetched`.execute(trx);
    return { sent: w.rows.map((r) => r.seq), seqTuples: rows[0]!.seq_tuples, fetched: rows[0]!.fetched };
  });
}

describe('a sync window probes the sync state per user, whatever the target holds', () => {
  for (const analysed of [false, true]) {
    it(`sends exactly what the target lacks or holds differently, reading O(window) state rows (${analysed ? 'analysed' : 'never analysed'})`, async () => {
      if (analysed) await db.query('ANALYZE bulk_sync_state');
      const first = await windowWithStats(0);
      // Content differs (seq 5) or the record sits under another population (seq 7).
      expect(first.sent).toEqual([5, 7]);
      expect(first.seqTuples).toBe(0);
      expect(first.fetched).toBeLessThanOrEqual(WINDOW);

      const beyond = await windowWithStats(SYNCED);
      expect(beyond.sent).toEqual(Array.from({ length: WINDOW }, (_, i) => SYNCED + 1 + i));
      expect(beyond.seqTuples).toBe(0);
      expect(beyond.fetched).toBeLessThanOrEqual(WINDOW);
    });
  }
});
