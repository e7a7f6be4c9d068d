/**
 * Creates in username order: the embedded users table's username index sorts as bytes, so
 * create batches list their members in that order (createBatches); a run stopped part way
 * leaves whole batches scattered over the seq range, and the next run creates the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usernameSortsAsBytes } from '../../src/db/usernameSortsAsBytes.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { populationYaml } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const ENV = { BU_TEST_PASSWORD: 'pw-for-tests' };
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

function state(pattern: string, count: number) {
  const config = 'apiVersion: bulk-users/v1\nkind: ReconcilerConfig\nmetadata: { name: c }\nspec: { writeStreams: 1 }\n';
  const built = buildDesiredState([
    { file: 'a.yaml', text: populationYaml('ord', { count, batchSize: 100, usernamePattern: pattern }) },
    { file: 'c.yaml', text: config },
  ]);
  expect(built.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return built.state;
}

describe('create in username order', () => {
  it('knows which username indexes sort as bytes', async () => {
    expect(await usernameSortsAsBytes(db.database.db, 'users')).toBe(true);
    await db.query('CREATE SCHEMA coll');
    try {
      await db.query('CREATE TABLE coll.c_users (id int, username text COLLATE "C" UNIQUE)');
      expect(await usernameSortsAsBytes(db.database.db, 'coll.c_users')).toBe(true);
      // No unique index on username at all: nothing to suit.
      await db.query('CREATE TABLE coll.plain (id int, username text)');
      expect(await usernameSortsAsBytes(db.database.db, 'coll.plain')).toBe(false);
      const icu = await db.query<{ n: string }>(`SELECT collname AS n FROM pg_collation WHERE collprovider = 'i' AND collname = 'und-x-icu'`);
      if (icu.length > 0) {
        await db.query('CREATE TABLE coll.icu_users (id int, username text COLLATE "und-x-icu" UNIQUE)');
        expect(await usernameSortsAsBytes(db.database.db, 'coll.icu_users')).toBe(false);
      }
    } finally {
      await db.query('DROP SCHEMA coll CASCADE');
    }
  });

  for (const pattern of ['ord_{id}', 'ord_{id}@example.com']) {
    it(`writes the rows of ${pattern} in username order, and a run stopped part way is completed by the next`, async () => {
      await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs RESTART IDENTITY');
      const N = 2500;
      // Stopped after the fifth batch: the abort is checked between batches.
      const stop = new AbortController();
      let batches = 0;
      const first = reconcile(db.database, {
        state: state(pattern, N),
        dryRun: false,
        env: ENV,
        logger: silentLogger,
        signal: stop.signal,
        onProgress: () => {
          if (++batches === 5) stop.abort(new Error('stopped for the test'));
        },
      });
      await expect(first).rejects.toThrow('stopped for the test');
      const part = await db.query<{ seq: number }>(`SELECT seq::int AS seq FROM users WHERE population = 'ord' ORDER BY id`);
      expect(part.length).toBe(500);
      // Not the first 500 seqs: the first 500 usernames.
      const firstNames = Array.from({ length: N }, (_, i) => pattern.replace('{id}', String(i + 1))).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      const written = await db.query<{ username: string }>(`SELECT username FROM users WHERE population = 'ord' ORDER BY id`);
      expect(written.map((r) => r.username)).toEqual(firstNames.slice(0, 500));

      const rest = await reconcile(db.database, { state: state(pattern, N), dryRun: false, env: ENV, logger: silentLogger });
      expect(rest.applied).toMatchObject({ created: N - 500, lateConflicts: 0, writeStreams: { setting: 1, streams: 1, order: 'username' } });
      const all = await db.query<{ username: string }>(`SELECT username FROM users WHERE population = 'ord' ORDER BY id`);
      // Each run wrote its rows in username order; together every member exactly once.
      expect(all.slice(500).map((r) => r.username)).toEqual(firstNames.slice(500));
      expect(await db.query(`SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs, min(seq)::int AS lo, max(seq)::int AS hi FROM users WHERE population = 'ord'`)).toEqual([{ n: N, seqs: N, lo: 1, hi: N }]);
      expect((await reconcile(db.database, { state: state(pattern, N), dryRun: true, env: ENV, logger: silentLogger })).plan.hasChanges).toBe(false);
    });
  }
});
