import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { createTestDatabase, productionSnapshot, seedProductionUsers, type TestDatabase } from '../support/testDatabase.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs, bulk_sync_state, bulk_targets, bulk_audit RESTART IDENTITY');
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
