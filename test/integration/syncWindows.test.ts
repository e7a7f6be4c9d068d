import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextExtraWindow, nextUnsyncedWindow } from '../../src/db/syncQueries.ts';
import { EmbeddedUsersStore } from '../../src/db/userStore/EmbeddedUsersStore.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

/**
 * The window of a sync reads `window` users and probes the sync state once per user by
 * its primary key: its cost must not grow with how much the target already holds (a
 * full sync of N records would grow as N²). Counted with the backend's own table
 * statistics, which need no flush: tuples sequential scans returned, and rows index
 * scans fetched, before and after the window.
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

/** What `read` read of `table`, from the backend's not yet flushed counters (before and after, in one transaction). */
async function readsOf<T>(table: string, read: (trx: typeof db.database.db) => Promise<T>): Promise<{ value: T; seqTuples: number; fetched: number }> {
  return db.database.db.transaction().execute(async (trx) => {
    const counters = async () =>
      (
        await sql<{ seq_tuples: number; fetched: number }>`
          SELECT pg_stat_get_xact_tuples_returned(${table}::regclass)::int AS seq_tuples,
                 pg_stat_get_xact_tuples_fetched(${table}::regclass)::int AS fetched`.execute(trx)
      ).rows[0]!;
    const before = await counters();
    const value = await read(trx);
    const after = await counters();
    return { value, seqTuples: after.seq_tuples - before.seq_tuples, fetched: after.fetched - before.fetched };
  });
}

async function windowWithStats(cursor: number): Promise<{ sent: number[]; seqTuples: number; fetched: number }> {
  const r = await readsOf('bulk_sync_state', (trx) => nextUnsyncedWindow(trx, store, 'lt', 'win', { prefix: 'win_', suffix: '' }, cursor, WINDOW));
  return { sent: r.value.rows.map((row) => row.seq), seqTuples: r.seqTuples, fetched: r.fetched };
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

describe('a window of extras probes the users per record the target holds', () => {
  it('finds records of users that are gone or moved, reading O(window) users rows', async () => {
    // Two records the target holds for users that do not exist (sorted among the others), one of a frozen population.
    await db.query(`INSERT INTO bulk_sync_state (target, username, population, content_hash) VALUES ('lt', 'win_10000x', 'win', 'h'), ('lt', 'win_10001x', 'win', 'h'), ('lt', 'win_10002x', 'kept', 'h')`);
    const { value, seqTuples, fetched } = await readsOf('users', (trx) => nextExtraWindow(trx, store, 'lt', ['win'], ['kept'], { phase: 'rows', username: 'win_1' }, WINDOW));
    const extras = value.usernames;
    // seq 7 sits under another population in the state but is a member of 'win': not an extra.
    expect(extras).toEqual(['win_10000x', 'win_10001x']);
    expect(seqTuples).toBe(0);
    expect(fetched).toBeLessThanOrEqual(WINDOW);
  });
});

describe('a window hands back each row as the users table has it', () => {
  it('with the content hash and attributes of each row, whether it shares them with the first row or not', async () => {
    // The first row's content comes once for the window; rows with other content carry their own.
    await db.query(`
      INSERT INTO users (username, email, password_hash, is_test_user, population, seq, content_hash, attributes)
      SELECT 'mix_' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'mix_' || i || '@example.com' END, 'x', true, 'mix', i,
             CASE WHEN i % 7 = 0 THEN 'other' WHEN i % 11 = 0 THEN 'bare' ELSE 'common' END,
             CASE WHEN i % 7 = 0 THEN '{"tier": 2, "tags": ["a", "b"]}'::jsonb WHEN i % 11 = 0 THEN NULL ELSE '{"tier": 1}'::jsonb END
      FROM generate_series(1, 100) i`);
    const expected = await db.query(`SELECT seq::int AS seq, username, email, population, content_hash, attributes FROM users WHERE population = 'mix' ORDER BY seq`);
    const window = await nextUnsyncedWindow(db.database.db, store, 'lt', 'mix', { prefix: 'mix_', suffix: '' }, 0, 1000);
    expect(window.done).toBe(true);
    expect(window.rows.map((r) => ({ seq: Number(r.seq), username: r.username, email: r.email, population: r.population, content_hash: r.content_hash, attributes: r.attributes }))).toEqual(expected);
    expect(window.rows.every((r) => r.held === false)).toBe(true);
  });
});
