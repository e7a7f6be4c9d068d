/**
 * Property: whatever sequence of spec sets is reconciled, production users never change,
 * every population holds exactly its members minus the usernames production users hold,
 * and one more reconcile plans nothing (DESIGN §4.2, §4.3).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile, type ReconcileResult } from '../../src/reconcile/reconcile.ts';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { populationYaml } from '../support/cli.ts';
import { createTestDatabase, productionSnapshot, seedProductionUsers, type TestDatabase } from '../support/testDatabase.ts';

const ENV = { BU_TEST_PASSWORD: 'pw-for-tests', BU_TEST_PASSWORD_2: 'another-pw' };
const NAMES = ['p1', 'p2', 'p3'] as const;
type Name = (typeof NAMES)[number];

/** ~30 production users; some hold usernames the populations generate (p1_3, p2x_10, ...). */
const PRODUCTION = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy',
  'admin_root', 'admin_ops', 'mallory', 'oscar', 'peggy', 'trent', 'victor', 'walter',
  'p1_3', 'p1_17', 'p1x_1', 'p1x_40', 'p2_10', 'p2_1', 'p2x_22', 'p3_5', 'p3_44', 'p3x_2', 'p3x_30', 'p2x_5',
];

interface PopulationChoice {
  count: number;
  idStart: number;
  /** 0: `${name}_{id}`, 1: `${name}x_{id}`. */
  pattern: 0 | 1;
  attributes: 0 | 1 | 2;
  deletionPolicy: 'Delete' | 'Retain';
  password: 0 | 1;
  batchSize: 3 | 1000;
}

type SpecSet = Partial<Record<Name, PopulationChoice>>;

const populationChoice: fc.Arbitrary<PopulationChoice> = fc.record({
  count: fc.integer({ min: 0, max: 40 }),
  idStart: fc.integer({ min: 1, max: 5 }),
  pattern: fc.constantFrom(0 as const, 1 as const),
  attributes: fc.constantFrom(0 as const, 1 as const, 2 as const),
  deletionPolicy: fc.constantFrom('Delete' as const, 'Retain' as const),
  password: fc.constantFrom(0 as const, 1 as const),
  batchSize: fc.constantFrom(3 as const, 1000 as const),
});

const specSet: fc.Arbitrary<SpecSet> = fc.record(
  { p1: populationChoice, p2: populationChoice, p3: populationChoice },
  { requiredKeys: [] },
);

const ATTRIBUTES = [{}, { role: 'customer' }, { role: 'admin-like', locale: 'ja-JP', tier: 3 }];

function patternOf(name: Name, c: PopulationChoice): { pattern: string; prefix: string } {
  const prefix = c.pattern === 0 ? `${name}_` : `${name}x_`;
  return { pattern: `${prefix}{id}`, prefix };
}

function toState(set: SpecSet) {
  const sources = NAMES.filter((n) => set[n]).map((n) => {
    const c = set[n]!;
    return {
      file: `${n}.yaml`,
      text: populationYaml(n, {
        count: c.count,
        idStart: c.idStart,
        usernamePattern: patternOf(n, c).pattern,
        attributes: ATTRIBUTES[c.attributes],
        deletionPolicy: c.deletionPolicy,
        password: { fromEnv: c.password === 0 ? 'BU_TEST_PASSWORD' : 'BU_TEST_PASSWORD_2' },
        batchSize: c.batchSize,
      }),
    };
  });
  const built = buildDesiredState(sources);
  const errors = built.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(`generated specs do not validate: ${errors.map((e) => e.message).join('; ')}`);
  return built.state;
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

async function checkStep(set: SpecSet, result: ReconcileResult, snapshot: string, previousRows: Map<string, number>, label: string): Promise<void> {
  expect(await productionSnapshot(db), `${label}: production snapshot`).toBe(snapshot);

  const rows = await db.query<{ population: string | null; username: string; seq: number; attributes: unknown }>(
    `SELECT population, username, seq::int AS seq, attributes FROM users WHERE is_test_user ORDER BY population, seq`,
  );
  const byPopulation = new Map<string, { username: string; seq: number; attributes: unknown }[]>();
  for (const r of rows) {
    expect(r.population, `${label}: a test row without population`).not.toBeNull();
    byPopulation.set(r.population!, [...(byPopulation.get(r.population!) ?? []), r]);
  }

  for (const name of NAMES) {
    const c = set[name];
    const mine = byPopulation.get(name) ?? [];
    if (!c) {
      const plan = result.plan.populations.find((p) => p.name === name);
      // Removed: Delete empties it; Retain keeps what it had.
      if (plan?.action === 'delete') expect(mine.length, `${label}: ${name} removed (Delete)`).toBe(0);
      if (plan?.action === 'retain' || plan === undefined) expect(mine.length, `${label}: ${name} removed (Retain/unknown)`).toBe(previousRows.get(name) ?? 0);
      continue;
    }
    const plan = result.plan.populations.find((p) => p.name === name)!;
    expect(plan, `${label}: ${name} planned`).toBeDefined();
    const { prefix } = patternOf(name, c);
    expect(mine.length, `${label}: ${name} holds count - conflicts`).toBe(c.count - plan.conflicts.count);
    for (const r of mine) {
      expect(r.seq >= c.idStart && r.seq < c.idStart + c.count, `${label}: ${name} seq ${r.seq} in range`).toBe(true);
      expect(r.username, `${label}: ${name} username`).toBe(`${prefix}${r.seq}`);
      expect(r.attributes, `${label}: ${name} attributes`).toEqual(ATTRIBUTES[c.attributes]);
    }
    // Every reported conflict is a production user's username in range, none is a member row.
    expect(plan.conflicts.sample.every((x) => x.heldBy === 'production' && PRODUCTION.includes(x.username)), `${label}: ${name} conflicts are production users`).toBe(true);
    const expectedConflicts = PRODUCTION.filter((u) => {
      if (!u.startsWith(prefix)) return false;
      const seq = Number(u.slice(prefix.length));
      return seq >= c.idStart && seq < c.idStart + c.count;
    }).length;
    expect(plan.conflicts.count, `${label}: ${name} conflict count`).toBe(expectedConflicts);
  }
  expect([...byPopulation.keys()].every((p) => (NAMES as readonly string[]).includes(p)), `${label}: only known populations`).toBe(true);
  expect(result.applied?.lateConflicts ?? 0, `${label}: late conflicts`).toBe(0);
}

describe('production users under random sequences of spec sets', () => {
  it(
    'stay untouched; populations hold exactly count minus conflicts; a second reconcile plans nothing',
    async () => {
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(specSet, { minLength: 1, maxLength: 6 }), async (sequence) => {
          runs++;
          await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs RESTART IDENTITY');
          await seedProductionUsers(db, PRODUCTION);
          const snapshot = await productionSnapshot(db);
          let previousRows = new Map<string, number>();
          for (const [i, set] of sequence.entries()) {
            const label = `step ${i + 1}/${sequence.length} ${JSON.stringify(set)}`;
            const state = toState(set);
            const result = await reconcile(db.database, {
              state,
              dryRun: false,
              env: ENV,
              planOptions: { maxDeletePercent: 50, allowMassDelete: true },
            });
            await checkStep(set, result, snapshot, previousRows, label);
            const again = await reconcile(db.database, { state, dryRun: true, env: ENV });
            expect(again.plan.hasChanges, `${label}: second reconcile plans ${JSON.stringify(again.plan.summary)}`).toBe(false);
            previousRows = new Map(
              (await db.query<{ population: string; n: number }>(`SELECT population, count(*)::int AS n FROM users WHERE is_test_user GROUP BY 1`)).map((r) => [r.population, r.n]),
            );
          }
        }),
        { numRuns: 25, interruptAfterTimeLimit: 50_000, markInterruptAsFailure: false },
      );
      expect(runs).toBeGreaterThanOrEqual(10);
    },
    120_000,
  );
});
