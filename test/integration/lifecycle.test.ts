import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { DEFAULT_RECONCILER_CONFIG } from '../../src/spec/DesiredState.ts';
import { createTestDatabase, productionSnapshot, seedProductionUsers, type TestDatabase } from '../support/testDatabase.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs, bulk_sync_state, bulk_sync_ranges, bulk_targets, bulk_audit RESTART IDENTITY');
});

function state(...pops: Record<string, unknown>[]) {
  const text = pops
    .map(({ name, ...spec }) =>
      JSON.stringify({ apiVersion: 'bulk-users/v1', kind: 'TestUserPopulation', metadata: { name }, spec: { usernamePattern: `${name}_{id}`, password: { fromEnv: 'LC_PW' }, ...spec } }),
    )
    .join('\n---\n');
  const built = buildDesiredState([{ file: 'lifecycle.yaml', text }]);
  expect(built.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return built.state;
}

const T0 = new Date('2026-12-01T00:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);

async function run(s: ReturnType<typeof state>, now: Date, extra: { renew?: string[] } = {}) {
  return reconcile(db.database, {
    state: s,
    dryRun: false,
    env: { LC_PW: 'lifecycle-pw' },
    logger: silentLogger,
    now,
    ...(extra.renew ? { renew: new Set(extra.renew) } : {}),
  });
}

const rows = async (population: string) =>
  (await db.query(`SELECT count(*)::int AS n FROM users WHERE population = $1 AND is_test_user`, [population]))[0].n as number;
const record = async (population: string) => (await db.query(`SELECT phase, lease_started_at, expires_at FROM bulk_populations WHERE name = $1`, [population]))[0];

describe('TTL', () => {
  it('a population expires when its lease passes: users deleted, marked Expired, not recreated until renewed', async () => {
    await seedProductionUsers(db, ['alice', 'ttl_3']);
    const snapshot = await productionSnapshot(db);
    const s = state({ name: 'ttl', count: 20, ttl: '12h' }, { name: 'forever', count: 5 });
    await run(s, T0);
    expect(await rows('ttl')).toBe(19); // ttl_3 is a production user: a conflict
    const expires = (await db.query(`SELECT DISTINCT expires_at FROM users WHERE population = 'ttl'`)).map((r) => r.expires_at.toISOString());
    expect(expires).toEqual(['2026-12-01T12:00:00.000Z']);
    expect((await db.query(`SELECT count(*)::int AS n FROM users WHERE population = 'forever' AND expires_at IS NULL`))[0].n).toBe(5);

    // Before the end: nothing to do.
    expect((await run(s, at(11.9))).outcome).toBe('no-changes');

    // After: every user goes, the population is Expired, and the guard does not block it.
    const expired = await run(s, at(12));
    expect(expired.outcome).toBe('applied');
    const p = expired.plan.populations.find((x) => x.name === 'ttl')!;
    expect(p.action).toBe('expire');
    expect(p.delete).toEqual({ count: 19, reason: 'expired' });
    expect(expired.plan.guard.refused).toBe(false);
    expect(await rows('ttl')).toBe(0);
    expect(await rows('forever')).toBe(5);
    expect((await record('ttl')).phase).toBe('Expired');

    // Still expired later: not recreated.
    const later = await run(s, at(48));
    expect(later.outcome).toBe('no-changes');
    expect(await rows('ttl')).toBe(0);

    // Renewed explicitly: recreated with a new lease.
    const renewed = await run(s, at(50), { renew: ['ttl'] });
    expect(renewed.plan.summary.create).toBe(19);
    expect(await rows('ttl')).toBe(19);
    expect((await record('ttl')).phase).toBe('Active');
    expect((await record('ttl')).expires_at.toISOString()).toBe(at(62).toISOString());
    expect((await run(s, at(51))).outcome).toBe('no-changes');
    expect(await productionSnapshot(db)).toBe(snapshot);
  });

  it('a change that matters (count, pattern, ttl) renews the lease; other changes do not', async () => {
    await run(state({ name: 'lease', count: 10, ttl: '1h', attributes: { a: 1 } }), T0);
    expect((await record('lease')).lease_started_at.toISOString()).toBe(T0.toISOString());

    await run(state({ name: 'lease', count: 10, ttl: '1h', attributes: { a: 2 } }), at(0.5));
    expect((await record('lease')).lease_started_at.toISOString()).toBe(T0.toISOString());

    const scaled = await run(state({ name: 'lease', count: 12, ttl: '1h', attributes: { a: 2 } }), at(0.75));
    expect((await record('lease')).lease_started_at.toISOString()).toBe(at(0.75).toISOString());
    // Renewal rewrites each row's expires_at, counted as updates; the content hash is unchanged.
    expect(scaled.plan.summary).toMatchObject({ create: 2, update: 10 });
    const expiries = await db.query(`SELECT DISTINCT expires_at FROM users WHERE population = 'lease'`);
    expect(expiries.map((r) => r.expires_at.toISOString())).toEqual([at(1.75).toISOString()]);

    // Expired, then the ttl is lengthened: that renews too.
    await run(state({ name: 'lease', count: 12, ttl: '1h', attributes: { a: 2 } }), at(2));
    expect(await rows('lease')).toBe(0);
    await run(state({ name: 'lease', count: 12, ttl: '2h', attributes: { a: 2 } }), at(2.5));
    expect(await rows('lease')).toBe(12);
  });

  it('expiresAt is an absolute end', async () => {
    const s = state({ name: 'until', count: 4, expiresAt: '2026-12-02T00:00:00Z' });
    await run(s, T0);
    expect(await rows('until')).toBe(4);
    await run(s, at(24));
    expect(await rows('until')).toBe(0);
    expect((await record('until')).phase).toBe('Expired');
  });
});

describe('identify and cleanup', () => {
  const L0 = new Date('2026-12-01T00:00:00Z');

  /** A table with every class of row. */
  async function seedEveryClass() {
    await seedProductionUsers(db, ['alice', 'bob', 'keep_99']); // keep_99 looks like a test user
    await db.query(`INSERT INTO users (username, email, is_test_user) VALUES ('stray_1', 'stray_1@x', true), ('keep_77', 'keep_77@x', true)`);
    const s = state({ name: 'keep', count: 6 }, { name: 'short', count: 4, ttl: '1h' }, { name: 'old', count: 3, deletionPolicy: 'Retain' });
    await run(s, L0);
    // old's spec is removed (Retain): orphaned. short's lease passes without a reconcile.
    const now = state({ name: 'keep', count: 6 }, { name: 'short', count: 4, ttl: '1h' });
    await reconcile(db.database, { state: now, dryRun: false, env: { LC_PW: 'lifecycle-pw' }, logger: silentLogger, now: L0 });
    return now;
  }

  it('identify classifies every row, with counts and samples', async () => {
    const s = await seedEveryClass();
    const { identify } = await import('../../src/reconcile/identify.ts');
    const report = await identify(db.database.db, s, new Date(L0.getTime() + 2 * 3_600_000));
    const byClass = Object.fromEntries(report.classes.map((c) => [`${c.class}:${c.population ?? ''}`, { count: c.count, sample: c.sample }]));
    expect(byClass).toEqual({
      'managed:keep': { count: 6, sample: ['keep_1', 'keep_2', 'keep_3', 'keep_4', 'keep_5'] },
      'expired:short': { count: 4, sample: ['short_1', 'short_2', 'short_3', 'short_4'] },
      'orphaned:old': { count: 3, sample: ['old_1', 'old_2', 'old_3'] },
      'unmanaged-test:': { count: 2, sample: ['stray_1', 'keep_77'] },
      'lookalike:': { count: 1, sample: ['keep_99'] },
      'production:': { count: 2, sample: ['alice', 'bob'] },
    });
    expect(report.candidates.map((c) => [c.reason, c.population, c.count])).toEqual([
      ['expired', 'short', 4],
      ['orphaned', 'old', 3],
      ['unmanaged-test', null, 2],
    ]);
  });

  it('cleanup deletes only the chosen candidates and writes an audit record for each', async () => {
    const s = await seedEveryClass();
    const snapshot = await productionSnapshot(db);
    const { cleanup } = await import('../../src/reconcile/cleanup.ts');
    const later = new Date(L0.getTime() + 2 * 3_600_000);
    const base = { state: s, dryRun: false, logger: silentLogger, now: later, actor: 'test-operator', planOptions: { maxDeletePercent: 100, allowMassDelete: false } };

    await expect(cleanup(db.database, { ...base, selection: { population: 'keep' } })).rejects.toThrow(
      'population "keep" is not a cleanup candidate (only expired or orphaned populations are); candidates: short, old',
    );
    await expect(cleanup(db.database, { ...base, selection: { unmanaged: true } })).rejects.toThrow(/strictMode is on/);

    const dry = await cleanup(db.database, { ...base, dryRun: true, selection: { allExpired: true } });
    expect(dry.plan.summary.delete).toBe(4);
    expect(await rows('short')).toBe(4);

    const expired = await cleanup(db.database, { ...base, selection: { allExpired: true } });
    expect(expired.outcome).toBe('applied');
    expect(await rows('short')).toBe(0);
    expect((await record('short')).phase).toBe('Expired');
    // The spec is still there: reconcile keeps it empty until renewed.
    expect((await run(s, later)).plan.summary.create).toBe(0);

    const orphans = await cleanup(db.database, { ...base, selection: { orphans: true } });
    expect(orphans.deleted).toBe(3);
    expect(await rows('old')).toBe(0);
    expect(await record('old')).toBeUndefined();

    const loose = state({ name: 'keep', count: 6 }, { name: 'short', count: 4, ttl: '1h' });
    loose.config = { ...DEFAULT_RECONCILER_CONFIG, strictMode: false, maxDeletePercent: 100 };
    const unmanaged = await cleanup(db.database, { ...base, state: loose, selection: { unmanaged: true } });
    expect(unmanaged.deleted).toBe(2);
    expect((await db.query(`SELECT count(*)::int AS n FROM users WHERE is_test_user AND population IS NULL`))[0].n).toBe(0);

    expect(await rows('keep')).toBe(6);
    expect(await productionSnapshot(db)).toBe(snapshot);
    const audit = await db.query(`SELECT actor, rule, population, count::int FROM bulk_audit ORDER BY id`);
    expect(audit).toEqual([
      { actor: 'test-operator', rule: 'expired', population: 'short', count: 4 },
      { actor: 'test-operator', rule: 'orphaned', population: 'old', count: 3 },
      { actor: 'test-operator', rule: 'unmanaged-test', population: null, count: 2 },
    ]);
  });

  it('adopt takes matching unmanaged test rows under a population, explicitly', async () => {
    await db.query(`INSERT INTO users (username, email, is_test_user) VALUES ('adopt_2', 'x', true), ('adopt_007', 'x', true), ('adopt_99', 'x', true), ('adopt_3', 'x', false)`);
    const s = state({ name: 'adopt', count: 5 });
    const { adopt } = await import('../../src/reconcile/adopt.ts');
    expect(await adopt(db.database, s, 'adopt', { dryRun: true })).toEqual({ adopted: 1 });
    expect(await adopt(db.database, s, 'adopt', { dryRun: false })).toEqual({ adopted: 1 });
    expect(await db.query(`SELECT username, population, seq::int FROM users WHERE population = 'adopt'`)).toEqual([{ username: 'adopt_2', population: 'adopt', seq: 2 }]);
    const after = await run(s, T0);
    // adopt_3 is a production user: a conflict; adopt_2 is updated, not recreated.
    expect(after.plan.summary).toMatchObject({ create: 3, update: 1, conflicts: 1 });
    expect(await rows('adopt')).toBe(4);
    await expect(adopt(db.database, s, 'nope', { dryRun: true })).rejects.toThrow('population "nope" is not declared in the specs');
    // A pattern with characters outside the Basic Multilingual Plane: lengths in characters.
    await db.query(`INSERT INTO users (username, email, is_test_user) VALUES ('😀4🎉', 'x', true)`);
    expect(await adopt(db.database, state({ name: 'emoji', count: 5, usernamePattern: '😀{id}🎉' }), 'emoji', { dryRun: false })).toEqual({ adopted: 1 });
    expect(await db.query(`SELECT seq::int FROM users WHERE population = 'emoji'`)).toEqual([{ seq: 4 }]);
  });
});

describe('protection settings', () => {
  it('maxDeletePercent from a ReconcilerConfig spec, both ways', async () => {
    const { cli, specDir, populationYaml } = await import('../support/cli.ts');
    const dir = specDir();
    dir.write('p.yaml', populationYaml('cfg', { count: 10 }));
    await cli(['reconcile', '--specs', dir.dir], { databaseUrl: db.url });
    dir.write('c.yaml', 'apiVersion: bulk-users/v1\nkind: ReconcilerConfig\nmetadata: { name: protection }\nspec: { maxDeletePercent: 10 }\n');
    dir.write('p.yaml', populationYaml('cfg', { count: 8 }));
    const refused = await cli(['reconcile', '--specs', dir.dir, '--yes'], { databaseUrl: db.url });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('(20.0% > maxDeletePercent 10%)');
    dir.write('c.yaml', 'apiVersion: bulk-users/v1\nkind: ReconcilerConfig\nmetadata: { name: protection }\nspec: { maxDeletePercent: 25 }\n');
    expect((await cli(['reconcile', '--specs', dir.dir, '--yes'], { databaseUrl: db.url })).code).toBe(0);
    expect(await rows('cfg')).toBe(8);
  });

  it('confirmationRequired: true refuses deletions without a terminal; false applies them', async () => {
    const { cli, specDir, populationYaml } = await import('../support/cli.ts');
    const dir = specDir();
    dir.write('p.yaml', populationYaml('ask', { count: 10 }));
    await cli(['reconcile', '--specs', dir.dir], { databaseUrl: db.url });
    dir.write('p.yaml', populationYaml('ask', { count: 9 }));
    const asked = await cli(['reconcile', '--specs', dir.dir], { databaseUrl: db.url });
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain('pass --yes');
    dir.write('c.yaml', 'apiVersion: bulk-users/v1\nkind: ReconcilerConfig\nmetadata: { name: protection }\nspec: { confirmationRequired: false }\n');
    expect((await cli(['reconcile', '--specs', dir.dir], { databaseUrl: db.url })).code).toBe(0);
    expect(await rows('ask')).toBe(9);
  });

  it('the database guard stops a wrong DELETE or UPDATE of a production row from the reconciler session, not from the application', async () => {
    await seedProductionUsers(db, ['alice', 'bob']);
    const { sql } = await import('kysely');
    await expect(sql`DELETE FROM users WHERE username = 'alice'`.execute(db.database.db)).rejects.toThrow(
      'bulk-users guard: refusing to delete a production user (is_test_user = false)',
    );
    await expect(sql`UPDATE users SET email = 'x' WHERE username = 'bob'`.execute(db.database.db)).rejects.toThrow(/refusing to update a production user/);
    // A statement mixing test and production rows fails whole.
    await db.query(`INSERT INTO users (username, is_test_user) VALUES ('t1', true)`);
    await expect(sql`DELETE FROM users WHERE username IN ('t1', 'alice')`.execute(db.database.db)).rejects.toThrow(/guard/);
    expect((await db.query(`SELECT count(*)::int AS n FROM users`))[0].n).toBe(3);
    // The application's own sessions are not affected.
    await db.query(`DELETE FROM users WHERE username = 'bob'`);
    expect((await db.query(`SELECT count(*)::int AS n FROM users WHERE NOT is_test_user`))[0].n).toBe(1);
  });

  it('every deletion by reconcile is audited, and runs lists it', async () => {
    const { cli, specDir, populationYaml } = await import('../support/cli.ts');
    const dir = specDir();
    dir.write('p.yaml', populationYaml('aud', { count: 10 }));
    await cli(['reconcile', '--specs', dir.dir], { databaseUrl: db.url });
    dir.write('p.yaml', populationYaml('aud', { count: 7 }));
    await cli(['reconcile', '--specs', dir.dir, '--yes'], { databaseUrl: db.url });
    const audit = await db.query(`SELECT trigger, rule, population, count::int, run_id IS NOT NULL AS has_run FROM bulk_audit`);
    expect(audit).toEqual([{ trigger: 'cli', rule: 'scale-down', population: 'aud', count: 3, has_run: true }]);
    const runs = await cli(['runs', '--output', 'json'], { databaseUrl: db.url });
    const listed = JSON.parse(runs.stdout) as { outcome: string; deletions: unknown[] }[];
    expect(listed.map((r) => r.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(listed[0]!.deletions).toEqual([{ rule: 'scale-down', population: 'aud', count: 3, actor: expect.any(String) }]);
  });
});
