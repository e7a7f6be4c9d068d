/**
 * Property: the create path (one simple query whose values are SQL literals, see
 * insertMembers) and the INSERT … ON CONFLICT path that applyPlan falls back to (bound
 * parameters) write byte-identical rows, whatever the attributes and the e-mail domain
 * hold (backslash, tab, CR/LF, quotes, COPY's markers, non-BMP characters), and the next
 * plan is a no-op. copyField's COPY text escaping (the Load Tester's first-sync batches)
 * is pinned on its own.
 *
 * The values are set on the validated state, below spec validation: validation may refuse
 * control characters in spec files, but the write layer must be correct for whatever
 * reaches it. NUL is excluded: PostgreSQL text cannot hold it at all.
 */
import { EmbeddedUsersStore } from '../../src/db/userStore/EmbeddedUsersStore.ts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/applyPlan.ts';
import { copyField } from '../../src/db/copyInTransaction.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { populationYaml } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const ENV = { BU_TEST_PASSWORD: 'pw-for-tests' };
const SPECIAL = ['\\', '\t', '\r', '\n', '\r\n', '"', "'", '\\N', '\\.', '\\t', '😀', '𝄞', '\u{10FFFD}', 'é', '\u2028', ',', ';', ' ', 'a', 'Z', '0', '{', '}', '[', ']', ':'];
const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\u0000') },
);
const text = (minLength = 0) => fc.string({ unit, minLength, maxLength: 12 });
const attributes: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  text(1),
  fc.oneof(text(), fc.integer(), fc.boolean(), fc.array(text(), { maxLength: 3 }), fc.dictionary(text(1), text(), { maxKeys: 2 })),
  { maxKeys: 4 },
);

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

function stateWith(attrs: Record<string, unknown>, emailDomain: string) {
  const built = buildDesiredState([{ file: 'c.yaml', text: populationYaml('cp', { count: 6, batchSize: 4 }) }]);
  expect(built.problems.filter((p) => p.severity === 'error')).toEqual([]);
  const spec = built.state.populations[0]!;
  spec.attributes = attrs;
  spec.emailDomain = emailDomain;
  return built.state;
}

/** Every stored column but the row id and the timestamps, as PostgreSQL's exact text. */
const rows = async (): Promise<string[]> =>
  (await db.query<{ r: string }>(`SELECT (to_jsonb(u) - 'id' - 'created_at' - 'updated_at')::text AS r FROM users u ORDER BY username`)).map((x) => x.r);

describe('escaping on the create paths', () => {
  it('copyField escapes backslash first, then tab, LF and CR, and writes null as \\N', () => {
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField('\\N')).toBe('\\\\N');
    expect(copyField(null)).toBe('\\N');
  });

  it('the literal-built INSERT and the parameterized fallback store byte-identical rows, and the next plan is a no-op', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(attributes, text(1), async (attrs, domain) => {
        runs++;
        await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs RESTART IDENTITY');
        const state = stateWith(attrs, domain);

        // Literals in one simple query: what reconcile does.
        const copied = await reconcile(db.database, { state, dryRun: false, env: ENV, logger: silentLogger });
        expect(copied.outcome).toBe('applied');
        expect(copied.applied?.created).toBe(6);
        const viaCopy = await rows();
        expect((await reconcile(db.database, { state, dryRun: true, env: ENV, logger: silentLogger })).plan.hasChanges).toBe(false);
        const stored = await db.query<{ email: string; attributes: unknown; password_hash: string }>(`SELECT email, attributes, password_hash FROM users ORDER BY seq LIMIT 1`);
        expect(stored[0]!.email).toBe(`cp_1@${domain}`);
        expect(stored[0]!.attributes).toEqual(attrs);

        // INSERT … ON CONFLICT: the same plan applied without a write pool. The population
        // record stays, so the plan reuses its password hash (and so its content hash).
        await db.query('TRUNCATE users RESTART IDENTITY');
        const planned = await reconcile(db.database, { state, dryRun: true, env: ENV, logger: silentLogger });
        expect(planned.plan.summary).toMatchObject({ create: 6, update: 0, delete: 0 });
        const applied = await applyPlan(db.database.db, planned.plan, { store: new EmbeddedUsersStore(), passwordHashes: new Map([['cp', stored[0]!.password_hash]]), logger: silentLogger });
        expect(applied.created).toBe(6);
        expect(await rows()).toEqual(viaCopy);
        expect((await reconcile(db.database, { state, dryRun: true, env: ENV, logger: silentLogger })).plan.hasChanges).toBe(false);
      }),
      { numRuns: 12 },
    );
    expect(runs).toBe(12);
  }, 180_000);
});
