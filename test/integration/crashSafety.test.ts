/**
 * Invariant 4 of docs/design.md: reconcile is crash-safe. An apply stopped at any point (an abort between
 * batches in-process, a real SIGKILL of the CLI) and then run again ends in exactly the
 * state an uninterrupted run gives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApplyProgress } from '../../src/apply/applyPlan.ts';
import { LOCK_KEYS } from '../../src/db/lockKeys.ts';
import { memberContentHash } from '../../src/plan/contentHash.ts';
import { reconcile, type ReconcileResult } from '../../src/reconcile/reconcile.ts';
import type { DesiredState } from '../../src/spec/DesiredState.ts';
import { loadSpecs } from '../../src/spec/loadSpecs.ts';
import { cli, populationYaml, spawnCli, specDir, type SpawnedCli } from '../support/cli.ts';
import { startLoadTester, type RunningLoadTester } from '../../src/loadtester/startLoadTester.ts';
import { createTestDatabase, productionSnapshot, seedProductionUsers, syncSummaryAndTruth, type TestDatabase } from '../support/testDatabase.ts';
import { until } from '../support/until.ts';

const ENV = { BU_TEST_PASSWORD: 'pw-for-tests' };
const PLAN_OPTIONS = { maxDeletePercent: 50, allowMassDelete: true };

/** `interrupted` gets the aborted runs; `reference` gets the same specs applied without interruption. */
let interrupted: TestDatabase;
let reference: TestDatabase;

beforeAll(async () => {
  [interrupted, reference] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
afterAll(async () => {
  await Promise.all([interrupted?.drop(), reference?.drop()]);
});
beforeEach(async () => {
  for (const t of [interrupted, reference]) await t.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs RESTART IDENTITY');
});

function stateOf(dir: string): DesiredState {
  return loadSpecs(dir).state;
}

function apply(t: TestDatabase, dir: string): Promise<ReconcileResult> {
  return reconcile(t.database, { state: stateOf(dir), dryRun: false, env: ENV, planOptions: PLAN_OPTIONS });
}

/**
 * Applies the specs of `dir` and aborts the apply once `afterBatches` batches have been
 * written; the call must reject. Returns the progress events seen. Creates write two
 * batches at once, so the one in flight when the abort comes is still finished (and
 * counted); no batch starts after it.
 */
async function applyAndAbort(t: TestDatabase, dir: string, afterBatches: number): Promise<ApplyProgress[]> {
  const controller = new AbortController();
  const seen: ApplyProgress[] = [];
  await expect(
    reconcile(t.database, {
      state: stateOf(dir),
      dryRun: false,
      env: ENV,
      planOptions: PLAN_OPTIONS,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push({ ...p });
        if (seen.length === afterBatches) controller.abort(new Error('test abort'));
      },
    }),
  ).rejects.toThrow('test abort');
  expect(seen.length).toBeGreaterThanOrEqual(afterBatches);
  expect(seen.length).toBeLessThanOrEqual(afterBatches + 1);
  return seen;
}

interface UserRow {
  population: string;
  username: string;
  seq: number;
  email: string;
  content_hash: string;
  attributes: unknown;
  has_password: boolean;
  password_current: boolean;
}

/**
 * Every managed row, comparable across databases: the content hash embeds the population's
 * salted password hash, which differs between two databases, so it is replaced by
 * "current" when it is exactly the hash the population's spec and stored password give.
 */
async function managedRows(t: TestDatabase, state: DesiredState): Promise<UserRow[]> {
  const stored = new Map<string, string>(
    (await t.query<{ name: string; password_hash: string }>('SELECT name, password_hash FROM bulk_populations')).map((r) => [r.name, r.password_hash]),
  );
  const expected = new Map(state.populations.map((s) => [s.name, memberContentHash(s, stored.get(s.name) ?? 'missing')]));
  const rows = await t.query<UserRow>(
    `SELECT population, username, seq::int AS seq, email, content_hash, attributes, password_hash IS NOT NULL AS has_password,
            password_hash IS NOT DISTINCT FROM (SELECT p.password_hash FROM bulk_populations p WHERE p.name = u.population) AS password_current
     FROM users u WHERE is_test_user ORDER BY population, seq`,
  );
  return rows.map((r) => ({ ...r, content_hash: r.content_hash === expected.get(r.population) ? 'current' : r.content_hash }));
}

/** The population records as an uninterrupted run leaves them (minus timestamps and salted hashes). */
async function populationRecords(t: TestDatabase): Promise<unknown[]> {
  return t.query(
    `SELECT name, generation, observed_generation, phase, username_pattern, deletion_policy, spec_hash,
            status - 'lastAppliedAt' AS status, password_hash IS NOT NULL AS has_password
     FROM bulk_populations ORDER BY name`,
  );
}

async function count(t: TestDatabase, where = 'true'): Promise<number> {
  return (await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE is_test_user AND ${where}`))[0]!.n;
}

async function expectNoDuplicates(t: TestDatabase): Promise<void> {
  const [r] = await t.query<{ rows: number; usernames: number; seqs: number }>(
    `SELECT count(*)::int AS rows, count(DISTINCT username)::int AS usernames, count(DISTINCT (population, seq))::int AS seqs FROM users WHERE is_test_user`,
  );
  expect(r!.usernames).toBe(r!.rows);
  expect(r!.seqs).toBe(r!.rows);
}

/** Re-runs the interrupted database to completion and compares it with the reference. */
async function expectSameAsUninterrupted(dir: string): Promise<void> {
  const resumed = await apply(interrupted, dir);
  expect(resumed.outcome).toBe('applied');
  await apply(reference, dir);
  const state = stateOf(dir);
  const [got, want] = await Promise.all([managedRows(interrupted, state), managedRows(reference, state)]);
  expect(got.length).toBe(want.length);
  expect(got).toEqual(want);
  expect(got.every((r) => r.content_hash === 'current' && r.has_password && r.password_current)).toBe(true);
  await expectNoDuplicates(interrupted);
  expect(await populationRecords(interrupted)).toEqual(await populationRecords(reference));
  // Converged: a further run plans nothing.
  const again = await apply(interrupted, dir);
  expect(again.outcome).toBe('no-changes');
}

// Each test applies 5,000 users in batches of 100 to two databases several times, a commit
// (and its WAL flush) per batch: on a machine whose disk stalls under the rest of the suite
// that has taken over a minute, against 2-5 s alone. The bound is not the behaviour tested.
describe('an apply aborted between batches, then run again (in-process)', { timeout: 180_000 }, () => {
  it('create: finishes the population with exactly the rows of an uninterrupted run', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('crash-create', { count: 5000, batchSize: 100, attributes: { role: 'customer' } }));

    const seen = await applyAndAbort(interrupted, specs.dir, 5);
    expect(seen.every((p) => p.step === 'create')).toBe(true);
    const partial = await count(interrupted);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(5000);
    expect(partial).toBe(seen.length * 100);
    await expectNoDuplicates(interrupted);
    expect((await interrupted.query('SELECT outcome FROM bulk_reconcile_runs')).map((r) => r.outcome)).toEqual(['failed']);

    await expectSameAsUninterrupted(specs.dir);
    expect((await managedRows(interrupted, stateOf(specs.dir))).map((r) => r.seq)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
  });

  it('scale-down: deletes exactly the remaining surplus', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('crash-down', { count: 5000, batchSize: 100 }));
    await Promise.all([apply(interrupted, specs.dir), apply(reference, specs.dir)]);

    specs.write('a.yaml', populationYaml('crash-down', { count: 3000, batchSize: 100 }));
    const seen = await applyAndAbort(interrupted, specs.dir, 4);
    expect(seen.every((p) => p.step === 'delete')).toBe(true);
    const partial = await count(interrupted);
    expect(partial).toBeGreaterThan(3000);
    expect(partial).toBeLessThan(5000);
    await expectNoDuplicates(interrupted);

    await expectSameAsUninterrupted(specs.dir);
    expect(await count(interrupted)).toBe(3000);
  });

  it('attribute update: updates exactly the rows still stale', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('crash-upd', { count: 5000, batchSize: 100, attributes: { tier: 'free' } }));
    await Promise.all([apply(interrupted, specs.dir), apply(reference, specs.dir)]);

    specs.write('a.yaml', populationYaml('crash-upd', { count: 5000, batchSize: 100, attributes: { tier: 'gold' }, emailDomain: 'perf.example' }));
    const seen = await applyAndAbort(interrupted, specs.dir, 3);
    expect(seen.every((p) => p.step === 'update')).toBe(true);
    const gold = await count(interrupted, `attributes->>'tier' = 'gold'`);
    expect(gold).toBeGreaterThan(0);
    expect(gold).toBeLessThan(5000);
    expect(await count(interrupted)).toBe(5000);

    const plan = await reconcile(interrupted.database, { state: stateOf(specs.dir), dryRun: true, env: ENV });
    expect(plan.plan.summary).toMatchObject({ create: 0, delete: 0, update: 5000 - gold });

    await expectSameAsUninterrupted(specs.dir);
    expect(await count(interrupted, `attributes->>'tier' = 'gold' AND email LIKE '%@perf.example'`)).toBe(5000);
  });

  it('password rotation: updates the rest to the same new hash', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('crash-pw', { count: 5000, batchSize: 100 }));
    await Promise.all([apply(interrupted, specs.dir), apply(reference, specs.dir)]);

    specs.write('a.yaml', populationYaml('crash-pw', { count: 5000, batchSize: 100, password: { value: 'rotated-secret' } }));
    await applyAndAbort(interrupted, specs.dir, 3);
    const hashes = await interrupted.query('SELECT password_hash, count(*)::int AS n FROM users WHERE is_test_user GROUP BY 1');
    expect(hashes).toHaveLength(2);

    await expectSameAsUninterrupted(specs.dir);
    expect(await interrupted.query('SELECT DISTINCT password_hash FROM users WHERE is_test_user')).toHaveLength(1);
  });

  it('pattern change (replace), aborted while deleting the old users', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('crash-rep', { count: 5000, batchSize: 100, usernamePattern: 'crold_{id}' }));
    await Promise.all([apply(interrupted, specs.dir), apply(reference, specs.dir)]);

    specs.write('a.yaml', populationYaml('crash-rep', { count: 5000, batchSize: 100, usernamePattern: 'crnew_{id}' }));
    const seen = await applyAndAbort(interrupted, specs.dir, 3);
    expect(seen.every((p) => p.step === 'delete')).toBe(true);
    const old = await count(interrupted, `username LIKE 'crold\\_%'`);
    expect(old).toBeGreaterThan(0);
    expect(old).toBeLessThan(5000);
    expect(await count(interrupted, `username LIKE 'crnew\\_%'`)).toBe(0);

    await expectSameAsUninterrupted(specs.dir);
    expect(await count(interrupted, `username LIKE 'crold\\_%'`)).toBe(0);
    expect(await count(interrupted, `username LIKE 'crnew\\_%'`)).toBe(5000);
  });

  it('pattern change (replace), aborted while creating the new users', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('crash-rep2', { count: 5000, batchSize: 100, usernamePattern: 'cr2old_{id}' }));
    await Promise.all([apply(interrupted, specs.dir), apply(reference, specs.dir)]);

    specs.write('a.yaml', populationYaml('crash-rep2', { count: 5000, batchSize: 100, usernamePattern: 'cr2new_{id}' }));
    // 50 delete batches, then 7 create batches.
    const seen = await applyAndAbort(interrupted, specs.dir, 57);
    expect(seen.at(-1)!.step).toBe('create');
    expect(await count(interrupted, `username LIKE 'cr2old\\_%'`)).toBe(0);
    const created = await count(interrupted, `username LIKE 'cr2new\\_%'`);
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThan(5000);

    await expectSameAsUninterrupted(specs.dir);
    expect(await count(interrupted, `username LIKE 'cr2new\\_%'`)).toBe(5000);
  });

  it('removed spec (deletionPolicy Delete): deletes the rest and drops the population record', async () => {
    const specs = specDir();
    specs.write('keep.yaml', populationYaml('crash-keep', { count: 100 }));
    specs.write('gone.yaml', populationYaml('crash-gone', { count: 5000, batchSize: 100 }));
    await Promise.all([apply(interrupted, specs.dir), apply(reference, specs.dir)]);

    specs.remove('gone.yaml');
    const seen = await applyAndAbort(interrupted, specs.dir, 3);
    expect(seen.every((p) => p.step === 'delete' && p.population === 'crash-gone')).toBe(true);
    const left = await count(interrupted, `population = 'crash-gone'`);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(5000);

    await expectSameAsUninterrupted(specs.dir);
    expect(await count(interrupted, `population = 'crash-gone'`)).toBe(0);
    expect((await interrupted.query('SELECT name FROM bulk_populations ORDER BY name')).map((r) => r.name)).toEqual(['crash-keep']);
  });

  it('a crash after the last batch, before the population record is finished, is finished by the next run', async () => {
    // The process can die right after the last batch commits; here the progress callback
    // throws on the last batch, which stops reconcile at exactly that point.
    const specs = specDir();
    specs.write('a.yaml', populationYaml('crash-last', { count: 300, batchSize: 100 }));
    await expect(
      reconcile(interrupted.database, {
        state: stateOf(specs.dir),
        dryRun: false,
        env: ENV,
        onProgress: (p) => {
          if (p.done === p.total) throw new Error('died after the last batch');
        },
      }),
    ).rejects.toThrow('died after the last batch');
    expect(await count(interrupted)).toBe(300);

    await apply(interrupted, specs.dir);
    await apply(reference, specs.dir);
    expect(await managedRows(interrupted, stateOf(specs.dir))).toEqual(await managedRows(reference, stateOf(specs.dir)));
    // The record must say what an uninterrupted run says: generation observed, actual count known.
    expect(await populationRecords(interrupted)).toEqual(await populationRecords(reference));
  });
});

describe('create batches still in flight from a killed run', () => {
  it('land before the next run looks: it waits for them, then plans nothing and reports no conflict', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('inflight', { count: 1000, batchSize: 100 }));
    expect((await apply(interrupted, specs.dir)).applied?.created).toBe(1000);
    // Members 501..1000 become a batch of a killed run that the server is still writing:
    // a transaction holding the in-flight lock shared, as each create batch does.
    await interrupted.query(`CREATE TABLE inflight_rows AS SELECT * FROM users WHERE population = 'inflight' AND seq > 500`);
    await interrupted.query(`DELETE FROM users WHERE population = 'inflight' AND seq > 500`);
    const orphan = new pg.Client({ connectionString: interrupted.url });
    await orphan.connect();
    try {
      await orphan.query('BEGIN');
      await orphan.query('SELECT pg_advisory_xact_lock_shared($1)', [LOCK_KEYS.createsInFlight]);
      await orphan.query('INSERT INTO users SELECT * FROM inflight_rows');
      let settled = false;
      const next = apply(interrupted, specs.dir).finally(() => {
        settled = true;
      });
      await new Promise((r) => setTimeout(r, 400));
      expect(settled).toBe(false);
      await orphan.query('COMMIT');
      const result = await next;
      // Had it looked before the batch landed, it would have planned 500 creates and
      // reported the batch's rows as 500 late conflicts.
      expect(result.plan.summary).toMatchObject({ create: 0, update: 0, delete: 0, conflicts: 0 });
      expect(await count(interrupted, `population = 'inflight'`)).toBe(1000);
      await expectNoDuplicates(interrupted);
    } finally {
      await orphan.end();
      await interrupted.query('DROP TABLE IF EXISTS inflight_rows');
    }
  });
});

function killQuietly(c: SpawnedCli | undefined): void {
  if (c && c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
}

describe('a real SIGKILL of the CLI in the middle of an apply', () => {
  it(
    'the next run completes the population: 50,000 rows, seqs 1..50000, no duplicate; the run after is a no-op',
    async () => {
      const N = 50_000;
      const specs = specDir();
      specs.write('a.yaml', populationYaml('killed', { count: N, batchSize: 500 }));
      const logDir = mkdtempSync(path.join(tmpdir(), 'bu-logs-'));
      let victim: SpawnedCli | undefined;
      try {
        victim = spawnCli(['reconcile', '--specs', specs.dir, '--yes'], {
          env: { DATABASE_URL: interrupted.url, BU_TEST_PASSWORD: ENV.BU_TEST_PASSWORD, BULK_USERS_LOG_DIR: logDir },
        });
        const exitedEarly = victim.exited.then(() => true);
        let rows = 0;
        const deadline = Date.now() + 30_000;
        for (;;) {
          rows = await count(interrupted);
          if (rows > 0 && rows < N) break;
          if (rows >= N) throw new Error('the child finished before it could be killed; make the population larger');
          if (await Promise.race([exitedEarly, new Promise<false>((r) => setTimeout(() => r(false), 5))])) {
            const r = await victim.exited;
            throw new Error(`the child exited (code ${r.code}) before it could be killed:\n${r.stderr}`);
          }
          if (Date.now() > deadline) throw new Error('the child wrote no row within 30 s');
        }
        victim.child.kill('SIGKILL');
        const killed = await victim.exited;
        expect(killed.signal).toBe('SIGKILL');
      } finally {
        killQuietly(victim);
      }

      // The batches in flight at the kill were sent whole, so the server finishes them on
      // its own; wait for them as the next run does before counting.
      await interrupted.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEYS.createsInFlight]);
      const partial = await count(interrupted);
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(N);
      await expectNoDuplicates(interrupted);

      const second = await cli(['reconcile', '--specs', specs.dir, '--yes', '--output', 'json', '--lock-timeout', '20'], { databaseUrl: interrupted.url, env: ENV });
      expect(second.stderr).toBe('');
      expect(second.code).toBe(0);
      const json = JSON.parse(second.stdout);
      expect(json.outcome).toBe('applied');
      expect(json.summary).toMatchObject({ create: N - partial, update: 0, delete: 0, conflicts: 0 });

      const [agg] = await interrupted.query(
        `SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs, count(DISTINCT username)::int AS usernames,
                min(seq)::int AS lo, max(seq)::int AS hi, count(DISTINCT content_hash)::int AS hashes,
                count(DISTINCT password_hash)::int AS passwords,
                count(*) FILTER (WHERE username <> 'killed_' || seq::text OR email <> username || '@example.com')::int AS wrong
         FROM users WHERE is_test_user AND population = 'killed'`,
      );
      expect(agg).toEqual({ n: N, seqs: N, usernames: N, lo: 1, hi: N, hashes: 1, passwords: 1, wrong: 0 });
      expect(await count(interrupted)).toBe(N);

      const third = await cli(['reconcile', '--specs', specs.dir, '--yes', '--detailed-exitcode'], { databaseUrl: interrupted.url, env: ENV });
      expect(third.code).toBe(0);
      rmSync(logDir, { recursive: true, force: true });
    },
    90_000,
  );
});

/**
 * SIGKILL in the delete, update and Load Tester sync phases, with production rows present.
 * The kill is certain to land mid-phase: the test holds a row lock on one row the phase
 * must reach (a user row for delete and update, a Load Tester record for the sync), waits
 * until the child is blocked on it with earlier batches already committed, and kills it.
 */
describe('a real SIGKILL of the CLI during delete, update and the Load Tester sync', () => {
  const N = 3000;
  const PRODUCTION = ['alice', 'bob', 'admin_ops', 'kd_3', 'kd_3001'];
  let main: TestDatabase;
  let ltDb: TestDatabase;
  let lt: RunningLoadTester;
  beforeAll(async () => {
    [main, ltDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    lt = await startLoadTester({ port: 0, env: { LOADTESTER_DATABASE_URL: ltDb.url, LOADTESTER_ENCRYPTION_KEY: Buffer.alloc(32, 4).toString('base64') }, logger: false });
  });
  afterAll(async () => {
    await lt?.close();
    await Promise.all([main?.drop(), ltDb?.drop()]);
  });
  beforeEach(async () => {
    await main.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs, bulk_sync_state, bulk_sync_ranges, bulk_targets, bulk_audit RESTART IDENTITY');
    await ltDb.query('TRUNCATE loadtester.credentials');
    await seedProductionUsers(main, PRODUCTION);
  });

  const specsFor = (spec: Record<string, unknown>) =>
    populationYaml('kd', { count: N, batchSize: 200, syncTargets: ['lt'], ...spec }) +
    `---\napiVersion: bulk-users/v1\nkind: SyncTarget\nmetadata: { name: lt }\nspec: ${JSON.stringify({ type: 'loadtester', url: lt.url, chunkSize: 250, concurrency: 2, timeoutSeconds: 60 })}\n`;

  async function lockedRow(url: string, sqlText: string, params: unknown[]): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => {});
    await c.connect();
    await c.query('BEGIN');
    const r = await c.query(sqlText, params);
    expect(r.rowCount).toBe(1);
    return c;
  }

  const waitingOnLocks = async (t: TestDatabase): Promise<number> =>
    (await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0]!.n;

  const inLt = () => ltDb.query('SELECT username, content_hash FROM loadtester.credentials ORDER BY username');
  const inDb = () => main.query(`SELECT username, content_hash FROM users WHERE is_test_user AND population = 'kd' ORDER BY username`);

  async function killWhileBlocked(args: string[], lock: { on: TestDatabase; sql: string; params: unknown[] }, progressed: () => Promise<boolean>): Promise<void> {
    const holder = await lockedRow(lock.on.url, lock.sql, lock.params);
    const logDir = mkdtempSync(path.join(tmpdir(), 'bu-logs-'));
    let victim: SpawnedCli | undefined;
    try {
      victim = spawnCli(args, { env: { DATABASE_URL: main.url, BU_TEST_PASSWORD: ENV.BU_TEST_PASSWORD, BULK_USERS_LOG_DIR: logDir } });
      const child = victim;
      await until('the child to block on the held row', async () => {
        if (child.child.exitCode !== null) throw new Error(`the child exited (code ${child.child.exitCode}) before it blocked:\n${child.stderr()}`);
        return (await waitingOnLocks(lock.on)) > 0;
      }, 60_000);
      // Mid-phase: earlier batches are committed, the rest is not.
      expect(await progressed()).toBe(true);
      victim.child.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
    } finally {
      killQuietly(victim);
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end().catch(() => {});
      rmSync(logDir, { recursive: true, force: true });
    }
  }

  async function expectRecovered(dir: string, production: string): Promise<void> {
    const next = await cli(['reconcile', '--specs', dir, '--yes', '--allow-mass-delete', '--output', 'json', '--lock-timeout', '30'], { databaseUrl: main.url, env: ENV });
    expect(next.code, next.stderr).toBe(0);
    expect(['applied', 'no-changes']).toContain(JSON.parse(next.stdout).outcome);
    expect(await inLt()).toEqual(await inDb());
    const { summary, truth } = await syncSummaryAndTruth(main);
    expect(summary).toEqual(truth);
    expect(await productionSnapshot(main)).toBe(production);
    await expectNoDuplicates(main);
    const further = await cli(['reconcile', '--specs', dir, '--yes', '--detailed-exitcode'], { databaseUrl: main.url, env: ENV });
    expect(further.code, further.stdout + further.stderr).toBe(0);
  }

  async function setUp(spec: Record<string, unknown>): Promise<{ dir: string; write: (s: Record<string, unknown>) => void; production: string }> {
    const specs = specDir();
    specs.write('a.yaml', specsFor(spec));
    const first = await cli(['reconcile', '--specs', specs.dir, '--yes'], { databaseUrl: main.url, env: ENV });
    expect(first.code, first.stderr).toBe(0);
    expect(await inLt()).toEqual(await inDb());
    return { dir: specs.dir, write: (s) => specs.write('a.yaml', specsFor(s)), production: await productionSnapshot(main) };
  }

  it('killed while deleting (scale down): the next run deletes the rest and the Load Tester follows', { timeout: 180_000 }, async () => {
    const { dir, write, production } = await setUp({});
    write({ count: 500 });
    await killWhileBlocked(['reconcile', '--specs', dir, '--yes', '--allow-mass-delete'], { on: main, sql: `SELECT 1 FROM users WHERE population = 'kd' AND seq = 2500 FOR UPDATE`, params: [] }, async () => {
      const n = (await main.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE population = 'kd'`))[0]!.n;
      return n < N - 1 && n > 500;
    });
    await expectRecovered(dir, production);
    expect((await inDb()).length).toBe(499);
  });

  it('killed while updating (attributes): the next run updates the rest and the Load Tester follows', { timeout: 180_000 }, async () => {
    const { dir, write, production } = await setUp({ attributes: { v: 1 } });
    write({ attributes: { v: 2 } });
    await killWhileBlocked(['reconcile', '--specs', dir, '--yes'], { on: main, sql: `SELECT 1 FROM users WHERE population = 'kd' AND seq = 2500 FOR UPDATE`, params: [] }, async () => {
      const [r] = await main.query<{ v2: number; v1: number }>(
        `SELECT count(*) FILTER (WHERE attributes->>'v' = '2')::int AS v2, count(*) FILTER (WHERE attributes->>'v' = '1')::int AS v1 FROM users WHERE population = 'kd'`,
      );
      return r!.v2 > 0 && r!.v1 > 0;
    });
    await expectRecovered(dir, production);
    expect((await main.query(`SELECT DISTINCT attributes FROM users WHERE population = 'kd'`))).toEqual([{ attributes: { v: 2 } }]);
  });

  it('killed while sending to the Load Tester: the next run sends what is missing, and the sync state matches it', { timeout: 180_000 }, async () => {
    const { dir, write, production } = await setUp({ attributes: { v: 1 } });
    write({ attributes: { v: 2 } });
    // The database update finishes; the sync then blocks on one Load Tester record.
    await killWhileBlocked(['reconcile', '--specs', dir, '--yes'], { on: ltDb, sql: `SELECT 1 FROM loadtester.credentials WHERE username = 'kd_2500' FOR UPDATE`, params: [] }, async () => {
      const [r] = await main.query<{ stale: number }>(`SELECT count(*) FILTER (WHERE attributes->>'v' = '1')::int AS stale FROM users WHERE population = 'kd'`);
      return r!.stale === 0;
    });
    await expectRecovered(dir, production);
  });
});
