/**
 * bulk_user_summary (migration 0009) lets observation and the read endpoints read one row
 * per population group instead of every user. It must equal a fresh pass over the users:
 * on upgrade, through reconciles, under concurrent writes of the application, after
 * TRUNCATE, and after writes that bypass the triggers (a restore), which the next run
 * detects and repairs.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrations.ts';
import { memberDigest, observeAggregates } from '../../src/db/observe.ts';
import { countUsers } from '../../src/db/batchQueries.ts';
import { ensureUserSummary, estimatedTableRows, EXACT_COUNT_BELOW, verifyUserSummary } from '../../src/db/userSummary.ts';
import { until } from '../support/until.ts';
import { EmbeddedUsersStore } from '../../src/db/userStore/EmbeddedUsersStore.ts';
import { identify, identifyCleanupCandidates } from '../../src/reconcile/identify.ts';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import { loadSpecs } from '../../src/spec/loadSpecs.ts';
import { databaseChecks } from '../../src/doctor/databaseChecks.ts';
import { cli, populationYaml, specDir } from '../support/cli.ts';
import { createTestDatabase, seedProductionUsers, usersSummaryAndTruth, type TestDatabase } from '../support/testDatabase.ts';

const ENV = { BU_TEST_PASSWORD: 'pw-for-tests' };
const PLAN = { maxDeletePercent: 100, allowMassDelete: true };

/** Runs statements in a session whose writes fire no trigger (session_replication_role = replica), as a restore can. */
async function bypassingTriggers(db: TestDatabase, statements: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query('SET session_replication_role = replica');
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

async function expectSummaryTrue(db: Pick<TestDatabase, 'query'>, label: string): Promise<void> {
  const { summary, truth } = await usersSummaryAndTruth(db);
  expect(summary, label).toEqual(truth);
}

it('is built from the users on upgrade', async () => {
  const old = await createTestDatabase({ migrate: false });
  try {
    await migrateToLatest(old.database.db, '0008_user_store');
    await old.query(`INSERT INTO users (username, is_test_user, population, seq, content_hash)
                     SELECT 'p' || (i % 3) || '_' || i, true, 'p' || (i % 3), i, 'h' || (i % 2) FROM generate_series(1, 900) i`);
    await old.query(`INSERT INTO users (username, is_test_user) SELECT 'prod' || i, false FROM generate_series(1, 50) i`);
    await migrateToLatest(old.database.db);
    await expectSummaryTrue(old, 'after upgrade');
    expect((await old.query('SELECT sum(count)::int AS n FROM bulk_user_summary'))[0].n).toBe(900);
  } finally {
    await old.drop();
  }
});

describe('the users summary', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.query('ALTER TABLE users ADD COLUMN last_login timestamptz');
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs RESTART IDENTITY');
  });

  const run = (dir: string) => reconcile(db.database, { state: loadSpecs(dir).state, dryRun: false, env: ENV, planOptions: PLAN });

  it('equals a fresh count after every reconcile step, and a no-op reads it', async () => {
    await seedProductionUsers(db, ['alice', 'bob', 'a_7']);
    const specs = specDir();
    const steps: [string, Record<string, unknown>][] = [
      ['create', { count: 40 }],
      ['scale up', { count: 60 }],
      ['scale down', { count: 25 }],
      ['content', { count: 25, attributes: { tier: 'gold' } }],
      ['pattern', { count: 25, usernamePattern: 'a2_{id}@ex2.example' }],
      ['shifted range', { count: 25, idStart: 10, usernamePattern: 'a2_{id}@ex2.example' }],
    ];
    for (const [label, spec] of steps) {
      specs.write('a.yaml', populationYaml('a', spec));
      specs.write('b.yaml', populationYaml('b', { count: 12 }));
      const applied = await run(specs.dir);
      expect(applied.outcome, label).not.toBe('partial');
      await expectSummaryTrue(db, label);
      expect((await run(specs.dir)).outcome, `${label}: converged`).toBe('no-changes');
      await expectSummaryTrue(db, `${label}: no-op`);
    }
    // What observation reads equals the exact pass (the store without its summary).
    const desired = loadSpecs(specs.dir).state.populations;
    expect(desired.length).toBe(2);
    specs.remove('b.yaml');
    specs.write('a.yaml', populationYaml('a', { count: 30 }));
    await run(specs.dir);
    await expectSummaryTrue(db, 'b removed, a back to its first pattern');
    expect(await verifyUserSummary(db.database.db)).toEqual({ differences: 0, rebuilt: false });
  });

  it('follows the application writing alongside a reconcile, which pays nothing for logins', async () => {
    await seedProductionUsers(db, Array.from({ length: 200 }, (_, i) => `prod${i}`));
    const specs = specDir();
    specs.write('a.yaml', populationYaml('c', { count: 300 }));
    await run(specs.dir);
    const before = await db.query('SELECT ctid::text, xmin::text FROM bulk_user_summary ORDER BY population');
    // A login stamping a test user writes no summary row.
    await db.query(`UPDATE users SET last_login = now() WHERE is_test_user AND seq <= 100`);
    expect(await db.query('SELECT ctid::text, xmin::text FROM bulk_user_summary ORDER BY population')).toEqual(before);

    specs.write('a.yaml', populationYaml('c', { count: 500, attributes: { v: 2 } }));
    const app = (async () => {
      for (let i = 0; i < 40; i++) {
        await db.query(`INSERT INTO users (username, is_test_user) VALUES ($1, false)`, [`signup${i}`]);
        await db.query(`UPDATE users SET last_login = now() WHERE is_test_user AND seq = $1`, [(i * 7) % 300 + 1]);
        await db.query(`DELETE FROM users WHERE username = $1`, [`prod${i}`]);
        // Test rows of no population written by others (psql, a fixture loader) are theirs to summarize.
        await db.query(`INSERT INTO users (username, is_test_user) VALUES ($1, true), ($2, true)`, [`stray${i}a`, `stray${i}b`]);
        await db.query(`DELETE FROM users WHERE username = $1`, [`stray${i}b`]);
      }
    })();
    const [applied] = await Promise.all([run(specs.dir), app]);
    expect(applied.outcome).toBe('applied');
    await expectSummaryTrue(db, 'after concurrent writes');
    expect((await db.query(`SELECT sum(count)::int AS n FROM bulk_user_summary WHERE population IS NOT NULL`))[0].n).toBe(500);
    expect((await db.query(`SELECT sum(count)::int AS n FROM bulk_user_summary WHERE population IS NULL`))[0].n).toBe(40);
  });

  it('follows UPDATEs of ownership columns by others, and writes nothing for other columns or production rows', async () => {
    await seedProductionUsers(db, ['u_prod1', 'u_prod2']);
    const specs = specDir();
    specs.write('a.yaml', populationYaml('m', { count: 20 }));
    await run(specs.dir);
    const before = await db.query('SELECT ctid::text, xmin::text FROM bulk_user_summary ORDER BY population');
    // A production user renamed, a whole-row save of a test user that changes nothing it owns, a login.
    await db.query(`UPDATE users SET username = 'u_prod1_renamed' WHERE username = 'u_prod1'`);
    await db.query(`UPDATE users SET username = username, population = population, last_login = now() WHERE population = 'm' AND seq <= 5`);
    expect(await db.query('SELECT ctid::text, xmin::text FROM bulk_user_summary ORDER BY population')).toEqual(before);
    // Ownership changes of test rows, one statement each: content, lease, release, a production user made a test user.
    await db.query(`UPDATE users SET content_hash = 'edited' WHERE population = 'm' AND seq IN (4, 5)`);
    await db.query(`UPDATE users SET expires_at = now() + interval '1 day' WHERE population = 'm' AND seq = 6`);
    await db.query(`UPDATE users SET population = NULL, seq = NULL WHERE population = 'm' AND seq = 20`);
    await db.query(`UPDATE users SET is_test_user = true WHERE username = 'u_prod2'`);
    await expectSummaryTrue(db, 'after the updates');
    expect((await db.query('SELECT valid FROM bulk_user_summary_state'))[0].valid).toBe(true);
    const next = await run(specs.dir);
    expect(next.plan.summary).toMatchObject({ update: 3 });
    await expectSummaryTrue(db, 'after the run');
  });

  it('gives synced populations the digest a pass over their rows gives, through scale up, down and content changes', async () => {
    const specs = specDir();
    const exactStore = Object.assign(Object.create(EmbeddedUsersStore.prototype) as EmbeddedUsersStore, new EmbeddedUsersStore(), { summarized: false });
    for (const [label, spec] of [
      ['create', { count: 40 }],
      ['scale up', { count: 70 }],
      ['scale down', { count: 30 }],
      ['content', { count: 30, attributes: { v: 2 } }],
      ['shifted', { count: 30, idStart: 5, attributes: { v: 2 } }],
    ] as const) {
      specs.write('a.yaml', populationYaml('g', spec));
      await run(specs.dir);
      const p = loadSpecs(specs.dir).state.populations[0]!;
      const [{ content_hash }] = await db.query(`SELECT min(content_hash) AS content_hash FROM users WHERE population = 'g'`);
      const targets = [{ spec: { ...p, syncTargets: ['lt'] }, contentHash: content_hash as string }];
      const fromSummary = (await observeAggregates(db.database.db, new EmbeddedUsersStore(), targets)).populations.get('g');
      const exact = (await observeAggregates(db.database.db, exactStore, targets)).populations.get('g');
      expect(exact?.memberDigest, label).not.toBe('0');
      // The summary leaves the digest to be computed from the block when a sync asks for it.
      expect(fromSummary?.memberDigest, label).toBeUndefined();
      expect(fromSummary?.memberBlock, label).toEqual({ lo: p.idStart, hi: p.idStart + p.count - 1 });
      expect(await memberDigest(db.database.db, fromSummary, targets[0]!), label).toBe(exact?.memberDigest);
      const { memberBlock: _block, ...rest } = fromSummary!;
      expect({ ...rest, memberDigest: exact?.memberDigest }, label).toEqual(exact);
    }
    // One memo per pattern: older ranges and contents are replaced.
    expect((await db.query(`SELECT count(*)::int AS n FROM bulk_user_range_digest WHERE prefix = 'g_'`))[0].n).toBe(1);
  });

  it('gets its triggers back after a restore that recreated the table without them', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('x', { count: 12 }));
    await run(specs.dir);
    for (const e of ['insert', 'delete', 'update', 'truncate']) await db.query(`DROP TRIGGER bulk_user_summarize_${e} ON users`);
    await db.query(`DELETE FROM users WHERE seq > 8`);
    await db.query(`INSERT INTO users (username, is_test_user) VALUES ('restored_stray', true)`);
    expect(await ensureUserSummary(db.database.db)).toBe(true);
    expect((await db.query(`SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = 'users'::regclass AND tgname LIKE 'bulk_user_summarize_%'`))[0].n).toBe(4);
    await expectSummaryTrue(db, 'after reinstalling');
    await db.query(`DELETE FROM users WHERE username = 'restored_stray'`);
    await expectSummaryTrue(db, 'kept again by the triggers');
    expect((await run(specs.dir)).plan.summary.create).toBe(4);
  });

  it('is emptied by TRUNCATE', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('t', { count: 20 }));
    await run(specs.dir);
    await db.query('TRUNCATE users');
    await expectSummaryTrue(db, 'after truncate');
    expect(await db.query('SELECT * FROM bulk_user_summary')).toEqual([]);
    expect((await run(specs.dir)).plan.summary.create).toBe(20);
    await expectSummaryTrue(db, 'recreated');
  });

  it('is repaired after a restore that bypassed the triggers', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('r', { count: 30 }));
    await run(specs.dir);
    await db.query('DROP TABLE IF EXISTS saved_users');
    await db.query('CREATE TABLE saved_users AS SELECT * FROM users');
    specs.write('a.yaml', populationYaml('r', { count: 50 }));
    await run(specs.dir);
    // The restore: the saved rows back, with triggers off (as pg_restore --disable-triggers would).
    await bypassingTriggers(db, ['DELETE FROM users', 'INSERT INTO users SELECT * FROM saved_users']);
    expect((await usersSummaryAndTruth(db)).summary).not.toEqual((await usersSummaryAndTruth(db)).truth);
    // The next run notices the population's extent differs, rebuilds, and recreates 31..50.
    const next = await run(specs.dir);
    expect(next.plan.summary.create).toBe(20);
    await expectSummaryTrue(db, 'after the run that followed the restore');

    // A bypassing write that keeps the extent (a content change) is found by --verify.
    await bypassingTriggers(db, [`UPDATE users SET content_hash = 'tampered' WHERE seq = 3`]);
    expect(await ensureUserSummary(db.database.db)).toBe(true);
    expect(await verifyUserSummary(db.database.db)).toEqual({ differences: 2, rebuilt: true });
    await expectSummaryTrue(db, 'after verify');
    expect((await run(specs.dir)).plan.summary.update).toBe(1);
    await db.query('DROP TABLE saved_users');
  });

  it('is not read while its triggers are disabled, and observation stays exact', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('d', { count: 10 }));
    await run(specs.dir);
    await db.query('ALTER TABLE users DISABLE TRIGGER bulk_user_summarize_delete');
    try {
      await db.query(`DELETE FROM users WHERE seq > 7`);
      expect(await ensureUserSummary(db.database.db)).toBe(false);
      const observed = await observeAggregates(db.database.db, new EmbeddedUsersStore(), []);
      expect(observed.populations.get('d')).toMatchObject({ total: 7 });
    } finally {
      await db.query('ALTER TABLE users ENABLE TRIGGER bulk_user_summarize_delete');
    }
    // Enabled again: the run notices the extent and rebuilds.
    expect((await run(specs.dir)).plan.summary.create).toBe(3);
    await expectSummaryTrue(db, 'after re-enabling');
  });

  it('is verified and repaired by `reconcile --verify` and by doctor', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('v', { count: 15 }));
    await run(specs.dir);
    await bypassingTriggers(db, [`UPDATE users SET content_hash = 'tampered' WHERE seq = 4`]);
    const verified = await cli(['reconcile', '--specs', specs.dir, '--verify', '--output', 'json'], { databaseUrl: db.url, env: ENV });
    expect(verified.stderr).toContain('Users summary: 2 group(s) differed from a fresh count; rebuilt');
    expect(JSON.parse(verified.stdout).summary.update).toBe(1);
    await expectSummaryTrue(db, 'after reconcile --verify');

    await bypassingTriggers(db, [`UPDATE users SET content_hash = 'again' WHERE seq = 5`]);
    const checks = await databaseChecks(db.url, new Date());
    expect(checks.find((c) => c.name === 'users summary')).toMatchObject({ status: 'warn', detail: expect.stringContaining('rebuilt') });
    await expectSummaryTrue(db, 'after doctor');
    expect((await databaseChecks(db.url, new Date())).find((c) => c.name === 'users summary')).toMatchObject({ status: 'ok' });
  });

  it('lists the same cleanup candidates as the full classification', async () => {
    await seedProductionUsers(db, ['p1', 'keep_3']);
    const specs = specDir();
    specs.write('a.yaml', populationYaml('keep', { count: 12 }));
    specs.write('b.yaml', populationYaml('gone', { count: 8, deletionPolicy: 'Retain' }));
    await run(specs.dir);
    specs.remove('b.yaml');
    await run(specs.dir);
    await db.query(`UPDATE users SET expires_at = now() - interval '1 hour' WHERE population = 'keep' AND seq > 9`);
    await db.query(`INSERT INTO users (username, is_test_user, population, seq) VALUES ('stray1', true, NULL, NULL), ('stray2', true, 'nobody', 1)`);
    const now = new Date();
    const state = loadSpecs(specs.dir).state;
    const full = (await identify(db.database.db, state, now)).candidates;
    expect(full.map((c) => c.reason).sort()).toEqual(['expired', 'orphaned', 'unmanaged-test']);
    expect(await identifyCleanupCandidates(db.database.db, state, now)).toEqual(full);
  });

  it('counts test users exactly and the others by estimate, labelled, on a large table', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`INSERT INTO users (username, is_test_user, is_admin) SELECT 'app' || i, false, i <= 10 FROM generate_series(1, 120000) i`);
    await client.query(`INSERT INTO users (username, is_test_user, population, seq) SELECT 'big_' || i, true, 'big', i FROM generate_series(1, 30) i`);
    await client.query(`INSERT INTO users (username, is_test_user) VALUES ('stray_a', true), ('stray_b', true)`);
    await client.query('SELECT pg_stat_force_next_flush()');
    await client.end();
    await until('the statistics to count the rows', async () => (await estimatedTableRows(db.database.db)) >= EXACT_COUNT_BELOW);
    const totals = await countUsers(db.database.db, new EmbeddedUsersStore());
    expect(totals).toMatchObject({ approximate: true, testUsers: 32, managedTestUsers: 30 });
    expect(Math.abs(totals.productionUsers - 120000)).toBeLessThan(12000);
  });
});
