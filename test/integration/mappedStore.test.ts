/**
 * A userStore mapping onto the application's own table: creates, updates and deletes land
 * there with ownership in bulk_user_ownership, production rows stay byte for byte, every
 * UPDATE/DELETE of the table carries the marker and ownership in its own SQL, a crash
 * mid-create is finished by the next run, and the optional guard trigger refuses
 * production rows.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/applyPlan.ts';
import { countMembers, countUsers } from '../../src/db/batchQueries.ts';
import { openDatabase, type OpenDatabase } from '../../src/db/openDatabase.ts';
import { recordedUserStore, userStoreFor } from '../../src/db/userStore/userStoreFor.ts';
import { startLoadTester } from '../../src/loadtester/startLoadTester.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { planReconcile } from '../../src/plan/planReconcile.ts';
import { observeState } from '../../src/reconcile/observeState.ts';
import { resolveDesired } from '../../src/reconcile/resolveDesired.ts';
import { readMemberPages } from '../../src/db/readMemberPages.ts';
import { usernameSortsAsBytes } from '../../src/db/usernameSortsAsBytes.ts';
import { adopt } from '../../src/reconcile/adopt.ts';
import { cleanup } from '../../src/reconcile/cleanup.ts';
import { identify } from '../../src/reconcile/identify.ts';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import type { DesiredState } from '../../src/spec/DesiredState.ts';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { populationYaml } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const ENV = { BU_TEST_PASSWORD: 'pw-for-tests', LOADTESTER_TOKEN: 'mapped-store-test-write-token' };
const PLAN_OPTIONS = { maxDeletePercent: 100, allowMassDelete: true };

let db: TestDatabase;
/** A second handle on the same database that records every statement it sends. */
let captured: OpenDatabase;
const statements: string[] = [];

const STORE = {
  table: 'app.accounts',
  primaryKey: 'id',
  columns: { username: 'login', email: 'email', passwordHash: 'pw' },
  testUserMarker: { column: 'is_load_test', equals: true },
  staticColumns: { active: true, joined: { now: true }, note: 'made by bulk-users' },
  attributes: { columns: { tier: 'tier' } },
};

function configYaml(store: Record<string, unknown> = STORE): string {
  return ['apiVersion: bulk-users/v1', 'kind: ReconcilerConfig', 'metadata: { name: config }', `spec: ${JSON.stringify({ userStore: store })}`, ''].join('\n');
}

function state(...docs: string[]): DesiredState {
  const built = buildDesiredState(docs.map((text, i) => ({ file: `s${i}.yaml`, text })));
  expect(built.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return built.state;
}

async function appSnapshot(): Promise<string> {
  return JSON.stringify(await db.query(`SELECT to_jsonb(a) AS row FROM app.accounts a WHERE NOT is_load_test ORDER BY id`));
}

async function members(population: string): Promise<{ login: string; seq: number; tier: string | null; email: string; active: boolean; note: string }[]> {
  return db.query(
    `SELECT a.login, o.seq::int AS seq, a.tier, a.email, a.active, a.note FROM app.accounts a JOIN bulk_user_ownership o ON o.user_id = a.id
     WHERE o.population = $1 ORDER BY o.seq`,
    [population],
  );
}

/** Runs a reconcile of `s` and stops it between batches after `n` of them. */
async function stopAfterBatches(s: DesiredState, n: number): Promise<void> {
  const controller = new AbortController();
  let batches = 0;
  const run = reconcile(db.database, {
    state: s,
    dryRun: false,
    env: ENV,
    planOptions: PLAN_OPTIONS,
    signal: controller.signal,
    onProgress: () => {
      if (++batches === n) controller.abort(new Error('stop'));
    },
  });
  await expect(run).rejects.toThrow('stop');
}

beforeAll(async () => {
  db = await createTestDatabase();
  captured = await openDatabase({ url: db.url, onQuery: (sql) => statements.push(sql) });
});
afterAll(async () => {
  await captured?.close();
  await db?.drop();
});
beforeEach(async () => {
  await db.query('DROP SCHEMA IF EXISTS app CASCADE');
  await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs, bulk_user_ownership, bulk_user_store RESTART IDENTITY');
  await db.query('CREATE SCHEMA app');
  await db.query(`
    CREATE TABLE app.accounts (
      id serial PRIMARY KEY,
      login varchar(150) NOT NULL UNIQUE,
      email text NOT NULL,
      pw text NOT NULL,
      is_load_test boolean NOT NULL DEFAULT false,
      active boolean NOT NULL,
      joined timestamptz NOT NULL,
      note text NOT NULL,
      tier text
    )`);
  // Production users, one holding a username the population wants, one marked false explicitly.
  await db.query(`
    INSERT INTO app.accounts (login, email, pw, is_load_test, active, joined, note, tier)
    SELECT u, u || '@prod.example', 'app-hash-' || u, false, true, '2020-01-01T00:00:00Z', 'customer', 'gold'
    FROM unnest(ARRAY['alice', 'bob', 'm_3']) AS u`);
  statements.length = 0;
});

describe('a mapped user store', () => {
  it('creates, updates, scales down and removes populations in the application table, never touching production rows', async () => {
    const before = await appSnapshot();
    const config = configYaml();
    const run = (...docs: string[]) => reconcile(captured, { state: state(config, ...docs), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS });

    const created = await run(populationYaml('m', { count: 12, usernamePattern: 'm_{id}', emailDomain: 'lt.example', attributes: { tier: 'free' }, batchSize: 5 }));
    expect(created.plan.summary).toMatchObject({ create: 11, conflicts: 1 });
    expect(created.plan.populations[0]!.conflicts.sample).toEqual([expect.objectContaining({ username: 'm_3', heldBy: 'production' })]);
    let rows = await members('m');
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(rows[0]).toEqual({ login: 'm_1', seq: 1, tier: 'free', email: 'm_1@lt.example', active: true, note: 'made by bulk-users' });
    const hashes = await db.query(`SELECT DISTINCT pw FROM app.accounts WHERE is_load_test`);
    expect(hashes).toHaveLength(1);
    expect(hashes[0].pw).toMatch(/^scrypt\$/);
    expect(await db.query('SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }]);
    expect(await appSnapshot()).toBe(before);

    // A no-op, then an attribute change, then a scale-down.
    expect((await run(populationYaml('m', { count: 12, usernamePattern: 'm_{id}', emailDomain: 'lt.example', attributes: { tier: 'free' }, batchSize: 5 }))).plan.hasChanges).toBe(false);
    const updated = await run(populationYaml('m', { count: 12, usernamePattern: 'm_{id}', emailDomain: 'lt.example', attributes: { tier: 'pro' }, batchSize: 5 }));
    expect(updated.plan.summary).toMatchObject({ update: 11, create: 0, delete: 0 });
    expect(new Set((await members('m')).map((r) => r.tier))).toEqual(new Set(['pro']));
    const scaled = await run(populationYaml('m', { count: 6, usernamePattern: 'm_{id}', emailDomain: 'lt.example', attributes: { tier: 'pro' }, batchSize: 5 }));
    expect(scaled.plan.summary).toMatchObject({ delete: 6 });
    rows = await members('m');
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 4, 5, 6]);
    expect(await db.query(`SELECT count(*)::int AS n FROM app.accounts WHERE is_load_test`)).toEqual([{ n: 5 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM bulk_user_ownership`)).toEqual([{ n: 5 }]);

    // The spec removed (deletionPolicy Delete): every test row and ownership row goes.
    const removed = await run();
    expect(removed.plan.summary).toMatchObject({ delete: 5 });
    expect(await db.query(`SELECT count(*)::int AS n FROM app.accounts WHERE is_load_test`)).toEqual([{ n: 0 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM bulk_user_ownership`)).toEqual([{ n: 0 }]);
    expect(await appSnapshot()).toBe(before);

    // Every UPDATE and DELETE of the application's table is restricted, in its own SQL, to
    // marked rows owned by a population.
    const writes = statements.filter((s) => /\b(update|delete from)\s+"app"\."accounts"/i.test(s));
    expect(writes.length).toBeGreaterThanOrEqual(4);
    for (const s of writes) {
      expect(s).toMatch(/coalesce\("a"\."is_load_test" = true, false\)/);
      expect(s).toMatch(/bulk_user_ownership/);
    }
    expect(statements.some((s) => /truncate|alter table/i.test(s) && /accounts/.test(s))).toBe(false);
  });

  it('counts and classifies through the mapping (identify, cleanup of unmanaged rows with strictMode off)', async () => {
    const config = configYaml();
    await reconcile(db.database, { state: state(config, populationYaml('c', { count: 4, usernamePattern: 'c_{id}' })), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS });
    // A marked row nobody owns: unmanaged.
    await db.query(`INSERT INTO app.accounts (login, email, pw, is_load_test, active, joined, note) VALUES ('stray', 's@x', 'h', true, true, now(), 'x')`);
    const report = await identify(db.database.db, state(config, populationYaml('c', { count: 4, usernamePattern: 'c_{id}' })));
    expect(report.totals).toMatchObject({ managed: 4, 'unmanaged-test': 1, production: 3, lookalike: 0 });
    const strictOff = ['apiVersion: bulk-users/v1', 'kind: ReconcilerConfig', 'metadata: { name: config }', `spec: ${JSON.stringify({ userStore: STORE, strictMode: false })}`, ''].join('\n');
    const result = await cleanup(db.database, {
      state: state(strictOff, populationYaml('c', { count: 4, usernamePattern: 'c_{id}' })),
      selection: { unmanaged: true },
      dryRun: false,
      planOptions: PLAN_OPTIONS,
    });
    expect(result.deleted).toBe(1);
    expect(await db.query(`SELECT login FROM app.accounts WHERE is_load_test ORDER BY id`)).toEqual([{ login: 'c_1' }, { login: 'c_2' }, { login: 'c_3' }, { login: 'c_4' }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM app.accounts WHERE NOT is_load_test`)).toEqual([{ n: 3 }]);
  });

  it('adopts marked rows nobody owns, and exports members without hashes', async () => {
    const s = state(configYaml(), populationYaml('ad', { count: 4, usernamePattern: 'ad_{id}' }));
    // Marked rows made by hand (say, by an older script): two canonical members, one not.
    await db.query(`INSERT INTO app.accounts (login, email, pw, is_load_test, active, joined, note)
      VALUES ('ad_2', 'x', 'old', true, true, now(), 'x'), ('ad_3', 'x', 'old', true, true, now(), 'x'), ('ad_03', 'x', 'old', true, true, now(), 'x')`);
    expect(await adopt(db.database, s, 'ad', { dryRun: true })).toEqual({ adopted: 2 });
    expect(await adopt(db.database, s, 'ad', { dryRun: false })).toEqual({ adopted: 2 });
    const run = await reconcile(db.database, { state: s, dryRun: false, env: ENV, planOptions: PLAN_OPTIONS });
    expect(run.plan.summary).toMatchObject({ create: 2, update: 2 });
    expect(await db.query(`SELECT count(DISTINCT pw)::int AS n FROM app.accounts a JOIN bulk_user_ownership o ON o.user_id = a.id`)).toEqual([{ n: 1 }]);
    const pages: unknown[] = [];
    for await (const page of readMemberPages(db.database.db, userStoreFor(s.config), { population: 'ad' })) pages.push(...page);
    expect(pages.map((m) => (m as { username: string }).username)).toEqual(['ad_1', 'ad_2', 'ad_3', 'ad_4']);
    expect(JSON.stringify(pages)).not.toMatch(/scrypt|old/);
  });

  it('finishes a create aborted between batches with exactly the rows of an uninterrupted run', async () => {
    const s = state(configYaml(), populationYaml('k', { count: 40, usernamePattern: 'k_{id}', batchSize: 4 }));
    await stopAfterBatches(s, 3);
    const partial = await db.query(`SELECT count(*)::int AS n FROM app.accounts WHERE is_load_test`);
    expect(partial[0].n).toBeGreaterThan(0);
    expect(partial[0].n).toBeLessThan(40);
    await reconcile(db.database, { state: s, dryRun: false, env: ENV, planOptions: PLAN_OPTIONS });
    expect((await members('k')).map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // No application row without its ownership row, and none the other way round.
    expect(await db.query(`SELECT count(*)::int AS n FROM app.accounts a LEFT JOIN bulk_user_ownership o ON o.user_id = a.id WHERE a.is_load_test AND o.user_id IS NULL`)).toEqual([{ n: 0 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM bulk_user_ownership o LEFT JOIN app.accounts a ON o.user_id = a.id WHERE a.id IS NULL`)).toEqual([{ n: 0 }]);
    expect((await reconcile(db.database, { state: s, dryRun: false, env: ENV, planOptions: PLAN_OPTIONS })).plan.hasChanges).toBe(false);
  });

  it('writes create batches in the order of the username index when it sorts as bytes, and a run stopped part way is completed by the next', async () => {
    expect(await usernameSortsAsBytes(db.database.db, 'app.accounts', 'login')).toBe(true);
    const s = state(configYaml(), populationYaml('w', { count: 250, usernamePattern: 'w_{id}', batchSize: 10 }));
    await stopAfterBatches(s, 5);
    // Not w_1..w_50: the first 50 usernames as the index orders them (w_1, w_10, w_100, ...).
    const byIndex = Array.from({ length: 250 }, (_, i) => `w_${i + 1}`).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const written = await db.query<{ login: string }>(`SELECT login FROM app.accounts WHERE is_load_test ORDER BY id`);
    expect(written.map((r) => r.login)).toEqual(byIndex.slice(0, 50));
    const rest = await reconcile(db.database, { state: s, dryRun: false, env: ENV, planOptions: PLAN_OPTIONS });
    expect(rest.applied).toMatchObject({ created: 200, lateConflicts: 0, writeStreams: { order: 'username' } });
    expect((await members('w')).map((r) => r.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(await db.query(`SELECT count(*)::int AS n FROM app.accounts a LEFT JOIN bulk_user_ownership o ON o.user_id = a.id WHERE a.is_load_test AND o.user_id IS NULL`)).toEqual([{ n: 0 }]);
    expect((await reconcile(db.database, { state: s, dryRun: true, env: ENV, planOptions: PLAN_OPTIONS })).plan.hasChanges).toBe(false);
  });

  it('skips a username the application took between plan and apply (the batch falls back to arbitration), and counts it', async () => {
    const s = state(configYaml(), populationYaml('late', { count: 10, usernamePattern: 'late_{id}' }));
    const store = userStoreFor(s.config);
    await store.check(db.database.db, s.populations);
    const resolved = await resolveDesired(db.database.db, s.populations, ENV);
    const plan = planReconcile(resolved.populations, await observeState(db.database.db, store, resolved.populations));
    expect(plan.summary.create).toBe(10);
    await db.query(`INSERT INTO app.accounts (login, email, pw, active, joined, note) VALUES ('late_5', 'l@prod.example', 'app', true, now(), 'signup')`);
    const before = await appSnapshot();
    const applied = await applyPlan(db.database.db, plan, { store, passwordHashes: resolved.passwordHashes, logger: silentLogger });
    expect(applied).toMatchObject({ created: 9, lateConflicts: 1 });
    expect((await members('late')).map((r) => r.seq)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
    // The population record counts what was written (9), not what the plan meant to (10).
    expect(await db.query(`SELECT (status->>'actual')::int AS actual FROM bulk_populations WHERE name = 'late'`)).toEqual([{ actual: 9 }]);
    expect(await appSnapshot()).toBe(before);
  });

  it('syncs targets from the mapped table, and the API counts what the last run wrote to', async () => {
    const ltDb = await createTestDatabase();
    const lt = await startLoadTester({ port: 0, env: { LOADTESTER_DATABASE_URL: ltDb.url, LOADTESTER_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), LOADTESTER_TOKEN: ENV.LOADTESTER_TOKEN }, logger: false });
    const out = mkdtempSync(path.join(tmpdir(), 'bu-mapped-sync-'));
    try {
      const target = (name: string, spec: Record<string, unknown>) => ['apiVersion: bulk-users/v1', 'kind: SyncTarget', `metadata: { name: ${name} }`, `spec: ${JSON.stringify(spec)}`, ''].join('\n');
      const docs = (count: number) => [
        configYaml(),
        populationYaml('s', { count, usernamePattern: 's_{id}', attributes: { tier: 'free' }, syncTargets: ['lt', 'file'] }),
        target('lt', { type: 'loadtester', url: lt.url, timeoutSeconds: 5 }),
        target('file', { type: 'file', path: 'users.csv', format: 'csv' }),
      ];
      const first = await reconcile(db.database, { state: state(...docs(5)), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS, baseDir: out });
      expect(first.sync.map((r) => [r.target, r.upserted, r.error])).toEqual([['lt', 5, undefined], ['file', 5, undefined]]);
      expect(readFileSync(path.join(out, 'users.csv'), 'utf8').trim().split('\n')).toEqual([
        'username,password,email,population',
        ...['s_1', 's_2', 's_3', 's_4', 's_5'].map((u) => `${u},pw-for-tests,${u}@example.com,s`),
      ]);
      expect((await ltDb.query(`SELECT username, attributes FROM loadtester.credentials ORDER BY username`)).map((r) => [r.username, r.attributes])).toEqual(
        ['s_1', 's_2', 's_3', 's_4', 's_5'].map((u) => [u, { tier: 'free' }]),
      );
      // In step: a no-op. Then a scale-down reaches both targets.
      expect((await reconcile(db.database, { state: state(...docs(5)), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS, baseDir: out })).outcome).toBe('no-changes');
      const scaled = await reconcile(db.database, { state: state(...docs(3)), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS, baseDir: out });
      expect(scaled.sync.find((r) => r.target === 'lt')).toMatchObject({ deleted: 2 });
      expect((await ltDb.query(`SELECT username FROM loadtester.credentials ORDER BY username`)).map((r) => r.username)).toEqual(['s_1', 's_2', 's_3']);

      // Readers without the specs (the API's stats and batches) use the store the run wrote to.
      const recorded = await recordedUserStore(db.database.db);
      expect(recorded.description).toBe('app.accounts');
      expect(await countUsers(db.database.db, recorded)).toMatchObject({ total: 6, testUsers: 3, productionUsers: 3, managedTestUsers: 3 });
      expect((await countMembers(db.database.db, recorded)).get('s')?.total).toBe(3);
    } finally {
      await lt.close();
      await ltDb.drop();
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('with guardTrigger, the database itself refuses a reconciler session that touches a production row', async () => {
    await reconcile(db.database, { state: state(configYaml({ ...STORE, guardTrigger: true }), populationYaml('g', { count: 2, usernamePattern: 'g_{id}' })), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS });
    // db.database's sessions are the reconciler's (bulk_users.reconciler = on).
    const { sql } = await import('kysely');
    await expect(sql`UPDATE app.accounts SET note = 'x' WHERE login = 'alice'`.execute(db.database.db)).rejects.toThrow(/bulk-users guard: refusing to update a production row of accounts/);
    await expect(sql`DELETE FROM app.accounts WHERE login = 'bob'`.execute(db.database.db)).rejects.toThrow(/refusing to delete/);
    // A test row may be written by the reconciler; the application's own sessions are not affected.
    await sql`UPDATE app.accounts SET note = 'y' WHERE login = 'g_1'`.execute(db.database.db);
    await db.query(`UPDATE app.accounts SET note = 'app' WHERE login = 'alice'`);
    expect(await db.query(`SELECT note FROM app.accounts WHERE login IN ('alice', 'g_1') ORDER BY login`)).toEqual([{ note: 'app' }, { note: 'y' }]);
  });

  it('refuses a mapping that does not fit the table, naming the field, before writing anything', async () => {
    const bad = (store: Record<string, unknown>) =>
      reconcile(db.database, { state: state(configYaml(store), populationYaml('b', { count: 2, usernamePattern: 'b_{id}' })), dryRun: true, env: ENV, planOptions: PLAN_OPTIONS });
    await expect(bad({ ...STORE, table: 'app.nope' })).rejects.toThrow('userStore.table: there is no table app.nope');
    await expect(bad({ ...STORE, columns: { ...STORE.columns, email: 'mail' } })).rejects.toThrow('userStore.columns.email: app.accounts has no column "mail"');
    await expect(bad({ ...STORE, columns: { ...STORE.columns, username: 'email' } })).rejects.toThrow('"email" has no unique index');
    const { staticColumns: _s, ...withoutStatic } = STORE;
    await expect(bad(withoutStatic)).rejects.toThrow('NOT NULL columns without a default that the mapping does not fill: active, joined, note');
    expect(await db.query(`SELECT count(*)::int AS n FROM app.accounts`)).toEqual([{ n: 3 }]);
  });

  it('refuses to switch stores while managed test users live in the old one', async () => {
    await reconcile(db.database, { state: state(populationYaml('e', { count: 2, usernamePattern: 'e_{id}' })), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS });
    await expect(
      reconcile(db.database, { state: state(configYaml(), populationYaml('e', { count: 2, usernamePattern: 'e_{id}' })), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS }),
    ).rejects.toThrow('the user store changed from users to app.accounts while 2 managed test users live in users');
    expect(await db.query(`SELECT count(*)::int AS n FROM app.accounts WHERE is_load_test`)).toEqual([{ n: 0 }]);
  });
});

describe('dependent rows of a mapped store', () => {
  beforeEach(async () => {
    await db.query(`CREATE TABLE app.orders (id serial PRIMARY KEY, user_id integer NOT NULL REFERENCES app.accounts (id), total numeric NOT NULL)`);
    await db.query(`CREATE TABLE app.sessions (id serial PRIMARY KEY, account integer REFERENCES app.accounts (id) ON DELETE CASCADE)`);
  });

  /** Orders as a load test leaves them: two per test user, and some of production users. */
  async function placeOrders(): Promise<void> {
    await db.query(`INSERT INTO app.orders (user_id, total) SELECT id, 10 FROM app.accounts CROSS JOIN generate_series(1, 2) WHERE is_load_test OR login = 'alice'`);
    await db.query(`INSERT INTO app.sessions (account) SELECT id FROM app.accounts WHERE is_load_test`);
  }
  const ordersOf = async (): Promise<{ login: string; n: number }[]> =>
    db.query(`SELECT a.login, count(*)::int AS n FROM app.orders o JOIN app.accounts a ON a.id = o.user_id GROUP BY a.login ORDER BY a.login`);

  it('reports what references the users a plan deletes, and refuses the delete while unnamed rows would block it', async () => {
    const config = configYaml();
    await reconcile(db.database, { state: state(config, populationYaml('d', { count: 6, usernamePattern: 'd_{id}' })), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS });
    await placeOrders();
    const before = await ordersOf();
    const scaled = state(config, populationYaml('d', { count: 2, usernamePattern: 'd_{id}' }));
    const planned = await reconcile(db.database, { state: scaled, dryRun: true, env: ENV, planOptions: PLAN_OPTIONS });
    expect(planned.plan.dependents).toEqual([
      { table: 'app.orders', column: 'user_id', rows: 8, onDelete: 'no action', deletedFirst: false },
      { table: 'app.sessions', column: 'account', rows: 4, onDelete: 'cascade', deletedFirst: false },
    ]);
    await expect(reconcile(db.database, { state: scaled, dryRun: false, env: ENV, planOptions: PLAN_OPTIONS })).rejects.toThrow(
      '8 row(s) of app.orders.user_id reference test users this run deletes (ON DELETE no action)',
    );
    expect(await ordersOf()).toEqual(before);
    expect((await members('d')).length).toBe(6);
  });

  it('deletes named dependents first, in the same batch, only those of the test users it deletes; then a cleanup of the orphaned population', async () => {
    const config = configYaml({ ...STORE, dependents: [{ table: 'app.orders', column: 'user_id' }] });
    await reconcile(db.database, { state: state(config, populationYaml('d', { count: 6, usernamePattern: 'd_{id}', deletionPolicy: 'Retain', batchSize: 2 })), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS });
    await placeOrders();
    const scaled = await reconcile(db.database, { state: state(config, populationYaml('d', { count: 2, usernamePattern: 'd_{id}', deletionPolicy: 'Retain', batchSize: 2 })), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS });
    expect(scaled.plan.dependents).toContainEqual({ table: 'app.orders', column: 'user_id', rows: 8, onDelete: 'no action', deletedFirst: true });
    expect(scaled.applied).toMatchObject({ deleted: 4 });
    expect(await ordersOf()).toEqual([{ login: 'alice', n: 2 }, { login: 'd_1', n: 2 }, { login: 'd_2', n: 2 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM app.sessions`)).toEqual([{ n: 2 }]);

    // The spec goes with Retain: orphaned; a cleanup of orphans takes users and their orders.
    await reconcile(db.database, { state: state(config), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS });
    expect((await members('d')).length).toBe(2);
    const cleaned = await cleanup(db.database, { state: state(config), selection: { orphans: true }, dryRun: false, planOptions: PLAN_OPTIONS });
    expect(cleaned).toMatchObject({ outcome: 'applied', deleted: 2 });
    expect(await ordersOf()).toEqual([{ login: 'alice', n: 2 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM app.accounts WHERE is_load_test`)).toEqual([{ n: 0 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM app.accounts`)).toEqual([{ n: 3 }]);
  });
});
