/**
 * Property (issue 5): interleaving spec edits, clock moves (expiry), renewals and cleanups
 * never touches a production row, and always leaves the Load Tester holding exactly the
 * managed rows of the database (same usernames, same content hashes).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorError } from '../../src/errors.ts';
import { startLoadTester, type RunningLoadTester } from '../../src/loadtester/startLoadTester.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { cleanup } from '../../src/reconcile/cleanup.ts';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { createTestDatabase, productionSnapshot, seedProductionUsers, syncSummaryAndTruth, type TestDatabase } from '../support/testDatabase.ts';

const NAMES = ['la', 'lb', 'lc'] as const;
type Name = (typeof NAMES)[number];
interface Choice {
  count: number;
  ttl: '1h' | '3h' | null;
  attributes: 0 | 1;
  deletionPolicy: 'Delete' | 'Retain';
}
type Command =
  | { kind: 'specs'; set: Partial<Record<Name, Choice>> }
  | { kind: 'advance'; hours: number }
  | { kind: 'renew'; name: Name }
  | { kind: 'cleanup'; what: 'allExpired' | 'orphans' };

const choice: fc.Arbitrary<Choice> = fc.record({
  count: fc.integer({ min: 0, max: 25 }),
  ttl: fc.constantFrom('1h' as const, '3h' as const, null),
  attributes: fc.constantFrom(0 as const, 1 as const),
  deletionPolicy: fc.constantFrom('Delete' as const, 'Retain' as const),
});
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('specs' as const), set: fc.record({ la: choice, lb: choice, lc: choice }, { requiredKeys: [] }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.constantFrom(0.5, 1.5, 4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('renew' as const), name: fc.constantFrom(...NAMES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cleanup' as const), what: fc.constantFrom('allExpired' as const, 'orphans' as const) }) },
);

let db: TestDatabase;
let ltDb: TestDatabase;
let lt: RunningLoadTester;
beforeAll(async () => {
  db = await createTestDatabase();
  ltDb = await createTestDatabase();
  lt = await startLoadTester({ port: 0, env: { LOADTESTER_DATABASE_URL: ltDb.url, LOADTESTER_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64') }, logger: false });
});
afterAll(async () => {
  await lt?.close();
  await db?.drop();
  await ltDb?.drop();
});

function toState(set: Partial<Record<Name, Choice>>) {
  const docs = [
    JSON.stringify({ apiVersion: 'bulk-users/v1', kind: 'SyncTarget', metadata: { name: 'lt' }, spec: { type: 'loadtester', url: lt.url, retry: { attempts: 1, delaySeconds: 0 } } }),
    ...NAMES.filter((n) => set[n]).map((n) => {
      const c = set[n]!;
      return JSON.stringify({
        apiVersion: 'bulk-users/v1',
        kind: 'TestUserPopulation',
        metadata: { name: n },
        spec: {
          count: c.count,
          usernamePattern: `${n}_{id}`,
          password: { fromEnv: 'PL_PW' },
          attributes: c.attributes ? { v: 1 } : {},
          deletionPolicy: c.deletionPolicy,
          syncTargets: ['lt'],
          ...(c.ttl ? { ttl: c.ttl } : {}),
        },
      });
    }),
  ];
  const built = buildDesiredState([{ file: 'p.yaml', text: docs.join('\n---\n') }]);
  if (built.problems.some((p) => p.severity === 'error')) throw new Error(JSON.stringify(built.problems));
  return built.state;
}

describe('lifecycle under random interleavings', () => {
  it('never touches production rows and keeps the Load Tester equal to the database', async () => {
    // Proof the property is not vacuous: records did reach the Load Tester, and expiries happened.
    let mostRecords = 0;
    let expiries = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 7 }), async (commands) => {
        await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs, bulk_sync_state, bulk_targets, bulk_audit RESTART IDENTITY');
        await ltDb.query('TRUNCATE loadtester.credentials');
        await seedProductionUsers(db, ['alice', 'bob', 'la_3', 'lb_7', 'lc_1']);
        const snapshot = await productionSnapshot(db);
        let now = new Date('2026-12-01T00:00:00Z');
        let state = toState({});
        const options = { dryRun: false, logger: silentLogger, env: { PL_PW: 'prop-pw' }, planOptions: { maxDeletePercent: 100, allowMassDelete: true } };
        for (const c of commands) {
          const t0 = Date.now();
          if (c.kind === 'specs') state = toState(c.set);
          if (c.kind === 'advance') now = new Date(now.getTime() + c.hours * 3_600_000);
          if (c.kind === 'cleanup') {
            try {
              await cleanup(db.database, { ...options, state, now, selection: { [c.what]: true } });
            } catch (err) {
              if (!(err instanceof OperatorError)) throw err;
            }
          }
          const renew = c.kind === 'renew' && state.populations.some((p) => p.name === c.name) ? new Set([c.name]) : undefined;
          const result = await reconcile(db.database, { ...options, state, now, ...(renew ? { renew } : {}) });
          expect(result.outcome === 'partial').toBe(false);

          expect(await productionSnapshot(db)).toBe(snapshot);
          const inDb = await db.query('SELECT username, content_hash FROM users WHERE is_test_user AND population IS NOT NULL ORDER BY username');
          const inLt = await ltDb.query('SELECT username, content_hash FROM loadtester.credentials ORDER BY username');
          expect(inLt).toEqual(inDb);
          // The per-population summary the triggers keep equals a fresh pass over the sync state.
          const { summary, truth } = await syncSummaryAndTruth(db);
          expect(summary).toEqual(truth);
          mostRecords = Math.max(mostRecords, inLt.length);
          expiries += result.plan.populations.filter((p) => p.action === 'expire').length;
          // Expired populations hold nobody.
          const expired = await db.query(`SELECT count(*)::int AS n FROM users u JOIN bulk_populations p ON p.name = u.population WHERE p.phase = 'Expired'`);
          expect(expired[0].n).toBe(0);
          // Converged: another run right away changes nothing.
          expect((await reconcile(db.database, { ...options, state, now })).outcome).toBe('no-changes');
          if (process.env.PL_DEBUG) console.log(c.kind, Date.now() - t0, 'ms');
        }
      }),
      { numRuns: 12, seed: 20261128 },
    );
    expect(mostRecords).toBeGreaterThan(20);
    expect(expiries).toBeGreaterThan(0);
  }, 240_000);
});
