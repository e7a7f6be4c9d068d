import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { markUnsynced, nextUnsyncedWindow, replaceSyncBuckets, suspendSyncSummary } from '../../src/db/syncQueries.ts';
import { insertRanges, namesSql, uncoverRanges } from '../../src/db/syncRanges.ts';
import { EmbeddedUsersStore } from '../../src/db/userStore/EmbeddedUsersStore.ts';
import { createTestDatabase, syncStateDuplicates, syncSummaryAndTruth, type TestDatabase } from '../support/testDatabase.ts';

/**
 * The ranges of the sync state against real PostgreSQL: splits keep every record held
 * exactly once with a right digest, also when two transactions split one range at once,
 * and a sync window reads the ranges once, not once per user.
 */
let db: TestDatabase;
const range = { population: 'p', prefix: 'r_', suffix: '@x', content_hash: 'h' };

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.query('TRUNCATE users, bulk_sync_state, bulk_sync_ranges');
});

async function held(): Promise<string[]> {
  return (await db.query(`SELECT username FROM bulk_sync_records WHERE target = 'lt' ORDER BY username COLLATE "C"`)).map((r: { username: string }) => r.username);
}
const names = (seqs: number[]) => seqs.map((s) => `r_${s}@x`);
const sorted = (a: string[]) => [...a].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

async function expectConsistent(): Promise<void> {
  const { summary, truth } = await syncSummaryAndTruth(db);
  expect(summary).toEqual(truth);
  expect(await syncStateDuplicates(db)).toEqual([]);
}

describe('splitting ranges', () => {
  it('takes exactly the named usernames out, leaving pieces around them, and ignores names no range holds', async () => {
    await insertRanges(db.database.db, 'lt', [
      { ...range, lo: 1, hi: 100 },
      { ...range, lo: 200, hi: 210 },
    ]);
    await db.database.db.transaction().execute((trx) => uncoverRanges(trx, 'lt', namesSql([...names([1, 50, 51, 100, 205]), 'r_150@x', 'r_050@x', 'other'])));
    const expected = names([...Array.from({ length: 100 }, (_, i) => i + 1).filter((s) => ![1, 50, 51, 100].includes(s)), ...[200, 201, 202, 203, 204, 206, 207, 208, 209, 210]]);
    expect(await held()).toEqual(sorted(expected));
    const pieces = await db.query(`SELECT lo::int, hi::int FROM bulk_sync_ranges ORDER BY lo`);
    expect(pieces).toEqual([
      { lo: 2, hi: 49 },
      { lo: 52, hi: 99 },
      { lo: 200, hi: 204 },
      { lo: 206, hi: 210 },
    ]);
    await expectConsistent();
  });

  it('records deleted from the target leave the state, whether held in a range or a row', async () => {
    await insertRanges(db.database.db, 'lt', [{ ...range, lo: 1, hi: 40 }]);
    await db.query(`INSERT INTO bulk_sync_state (target, username, population, content_hash) VALUES ('lt', 'loose', 'p', 'h')`);
    await db.database.db.transaction().execute((trx) => markUnsynced(trx, 'lt', [...names([1, 2, 3, 40]), 'loose']));
    expect(await held()).toEqual(sorted(names(Array.from({ length: 36 }, (_, i) => i + 4))));
    await expectConsistent();
  });

  it('two transactions splitting one range at once both take effect, and no username is held twice', async () => {
    await insertRanges(db.database.db, 'lt', [{ ...range, lo: 1, hi: 1000 }]);
    const a = names(Array.from({ length: 50 }, (_, i) => 1 + i * 20));
    const b = names(Array.from({ length: 50 }, (_, i) => 10 + i * 20));
    // The first holds its split open until the second has started its own.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = db.database.db.transaction().execute(async (trx) => {
      await uncoverRanges(trx, 'lt', namesSql(a));
      await gate;
    });
    const second = (async () => {
      await new Promise((r) => setTimeout(r, 100));
      const p = db.database.db.transaction().execute((trx) => uncoverRanges(trx, 'lt', namesSql(b)));
      await new Promise((r) => setTimeout(r, 100));
      release();
      await p;
    })();
    await Promise.all([first, second]);
    const gone = new Set([...a, ...b]);
    expect(await held()).toEqual(sorted(names(Array.from({ length: 1000 }, (_, i) => i + 1)).filter((n) => !gone.has(n))));
    await expectConsistent();
  });

  it('a split of one target, or a dry run\'s, never holds up a split of another target', async () => {
    await insertRanges(db.database.db, 'lt', [{ ...range, lo: 1, hi: 100 }]);
    await insertRanges(db.database.db, 'lt2', [{ ...range, lo: 1, hi: 100 }]);
    for (const dryRun of [false, true]) {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let split!: () => void;
      const splitDone = new Promise<void>((r) => (split = r));
      // Holds its split of 'lt' open (a dry run's repair then goes on talking to other targets).
      const holder = db.database.db
        .transaction()
        .execute(async (trx) => {
          if (dryRun) await suspendSyncSummary(trx);
          if (dryRun) await replaceSyncBuckets(trx, 'lt', 'p', 16, [0, 1, 2, 3], []);
          else await uncoverRanges(trx, 'lt', namesSql(names([10])));
          split();
          await gate;
          if (dryRun) throw new Error('rolled back');
        })
        .catch(() => {});
      await splitDone;
      try {
        // Fails instead of waiting if it had to wait at all.
        await db.database.db.transaction().execute(async (trx) => {
          await sql`SET LOCAL lock_timeout = '1s'`.execute(trx);
          await markUnsynced(trx, 'lt2', names([dryRun ? 60 : 50]));
        });
      } finally {
        release();
        await holder;
      }
    }
    const lt2 = await db.query(`SELECT count(*)::int AS n FROM bulk_sync_records WHERE target = 'lt2'`);
    expect(lt2[0].n).toBe(98);
    await expectConsistent();
  });

  it('a dry run (summary switched off) leaves the summary as it was', async () => {
    await insertRanges(db.database.db, 'lt', [{ ...range, lo: 1, hi: 30 }]);
    const before = await syncSummaryAndTruth(db);
    await db.database.db
      .transaction()
      .execute(async (trx) => {
        await sql`SET LOCAL bulk_users.sync_summary = off`.execute(trx);
        await uncoverRanges(trx, 'lt', namesSql(names([3, 4])));
        throw new Error('rolled back');
      })
      .catch(() => {});
    expect(await syncSummaryAndTruth(db)).toEqual(before);
  });
});

describe('a sync window over ranges', () => {
  it('sends what no range holds as it is, reading the ranges once per window', async () => {
    const store = new EmbeddedUsersStore();
    await db.query(`
      INSERT INTO users (username, email, password_hash, is_test_user, population, seq, content_hash, attributes)
      SELECT 'r_' || i || '@x', NULL, 'x', true, 'p', i, 'h', '{}'::jsonb FROM generate_series(1, 3000) i`);
    // Held: 1..1000 as is, 1001..1500 with old content; 1501..3000 not at all.
    await insertRanges(db.database.db, 'lt', [
      { ...range, lo: 1, hi: 400 },
      { ...range, lo: 401, hi: 1000 },
      { ...range, content_hash: 'old', lo: 1001, hi: 1500 },
    ]);
    const w = await db.database.db.transaction().execute(async (trx) => {
      const stats = async () => (await sql<{ fetched: number; seq: number }>`SELECT pg_stat_get_xact_tuples_fetched('bulk_sync_ranges'::regclass)::int AS fetched, pg_stat_get_xact_tuples_returned('bulk_sync_ranges'::regclass)::int AS seq`.execute(trx)).rows[0]!;
      const before = await stats();
      const window = await nextUnsyncedWindow(trx, store, 'lt', 'p', { prefix: 'r_', suffix: '@x' }, 0, 3000);
      const after = await stats();
      return { window, fetched: after.fetched - before.fetched };
    });
    expect(w.window.rows.map((r) => r.seq)).toEqual(Array.from({ length: 2000 }, (_, i) => 1001 + i));
    expect(w.window.rows.filter((r) => r.held).map((r) => r.seq)).toEqual(Array.from({ length: 500 }, (_, i) => 1001 + i));
    // Three ranges, each read once (a probe per user would read thousands).
    expect(w.fetched).toBeLessThanOrEqual(6);
  });
});
