/**
 * Invariant 7 of docs/design.md: two reconcilers against one database never both apply. The advisory lock
 * makes the second wait (then find nothing to do) or give up after --lock-timeout.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireAdvisoryLock, type HeldLock } from '../../src/db/advisoryLock.ts';
import { cli, populationYaml, spawnCli, specDir } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { until } from '../support/until.ts';

const PASSWORD = 'pw-for-tests';

let db: TestDatabase;
const tempDirs: string[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs RESTART IDENTITY');
});

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  logDir: string;
}

interface Child {
  child: ChildProcess;
  exited: Promise<ChildResult>;
}

function startCli(args: string[]): Child {
  const logDir = mkdtempSync(path.join(tmpdir(), 'bu-logs-'));
  tempDirs.push(logDir);
  const { child, exited } = spawnCli(args, { env: { DATABASE_URL: db.url, BU_TEST_PASSWORD: PASSWORD, BULK_USERS_LOG_DIR: logDir } });
  return { child, exited: exited.then((r) => ({ ...r, logDir })) };
}

function killQuietly(children: Child[]): void {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
}

/** Resolves the children's results, or rejects (after killing them) when they take longer than `ms`. */
async function within(children: Child[], ms: number): Promise<ChildResult[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      killQuietly(children);
      reject(new Error(`children still running after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([Promise.all(children.map((c) => c.exited)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function logLines(logDir: string): { msg: string }[] {
  return readFileSync(path.join(logDir, 'bulk_user_management.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

async function sessionsWaitingOrHolding(): Promise<number> {
  const [r] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'bulk-users-lock'`,
  );
  return r!.n;
}

/** Sessions of this database waiting for a lock on the users table (blocked writes; an apply may run several streams). */
async function writersWaitingOnUsers(): Promise<number> {
  const [r] = await db.query<{ n: number }>(
    `SELECT count(DISTINCT l.pid)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
     WHERE d.datname = current_database() AND l.relation = 'users'::regclass AND NOT l.granted`,
  );
  return r!.n;
}

/** Polls `probe` until true; fails at once when a child exits early, or after 30 s. */
async function untilAlive(children: Child[], what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await probe())) {
    const early = children.find((c) => c.child.exitCode !== null);
    if (early) throw new Error(`a child exited before ${what}: ${(await early.exited).stderr}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function expectExactlyOneAppliedRun(results: ChildResult[], count: number): Promise<void> {
  for (const r of results) {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }
  const outcomes = results.map((r) => JSON.parse(r.stdout).outcome).sort();
  expect(outcomes).toEqual(['applied', 'no-changes']);
  const [agg] = await db.query(
    `SELECT count(*)::int AS n, count(DISTINCT username)::int AS usernames, count(DISTINCT seq)::int AS seqs, min(seq)::int AS lo, max(seq)::int AS hi
     FROM users WHERE is_test_user`,
  );
  expect(agg).toEqual({ n: count, usernames: count, seqs: count, lo: 1, hi: count });
  // One audit row: the winner's. A run that finds nothing to do writes no run row
  // (reconcile() returns 'no-changes' before startRun()).
  expect(await db.query('SELECT outcome, summary FROM bulk_reconcile_runs')).toEqual([
    { outcome: 'succeeded', summary: { create: count, update: 0, delete: 0, syncUpsert: 0, syncDelete: 0, conflicts: 0 } },
  ]);
  // Each log tells the same story.
  const msgs = results.map((r) => logLines(r.logDir).map((l) => l.msg));
  expect(msgs.filter((m) => m.includes('reconcile applied'))).toHaveLength(1);
  expect(msgs.filter((m) => m.includes('reconcile: no changes'))).toHaveLength(1);
}

describe('two reconcilers at once', () => {
  it(
    'two CLI processes, the second started while the first is applying: both exit 0, exactly one applies, no duplicate row',
    async () => {
      const N = 20_000;
      const specs = specDir();
      specs.write('a.yaml', populationYaml('race', { count: N, batchSize: 500 }));
      // A SHARE lock on users lets every read through but holds every write: the first child
      // takes the reconcile lock, observes, plans, and then waits inside its apply. The
      // second is started only once that is seen, so the two certainly overlap.
      const hold = new pg.Client({ connectionString: db.url });
      hold.on('error', () => {});
      await hold.connect();
      await hold.query('BEGIN');
      await hold.query('LOCK TABLE users IN SHARE MODE');
      const children: Child[] = [];
      try {
        children.push(startCli(['reconcile', '--specs', specs.dir, '--yes', '--output', 'json']));
        await untilAlive(children, 'the first child to block in a write to users', async () => (await writersWaitingOnUsers()) >= 1);
        expect(await sessionsWaitingOrHolding()).toBe(1);
        children.push(startCli(['reconcile', '--specs', specs.dir, '--yes', '--output', 'json']));
        await untilAlive(children, 'the second child to wait for the reconcile lock', async () => (await sessionsWaitingOrHolding()) === 2);
        // Still mid-apply: the first is blocked in its write, and nothing is written yet.
        expect(await writersWaitingOnUsers()).toBeGreaterThanOrEqual(1);
        expect(await db.query('SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }]);
        await hold.query('COMMIT');
        const results = await within(children, 60_000);
        await expectExactlyOneAppliedRun(results, N);
      } finally {
        await hold.end().catch(() => {});
        killQuietly(children);
      }
    },
    90_000,
  );

  it(
    'two CLI processes released at the same instant (both already waiting on the lock): exactly one applies',
    async () => {
      const N = 20_000;
      const specs = specDir();
      specs.write('a.yaml', populationYaml('gate', { count: N, batchSize: 500 }));
      let gate: HeldLock | undefined = await acquireAdvisoryLock(db.url, { timeoutMs: 1000 });
      const children = [0, 1].map(() => startCli(['reconcile', '--specs', specs.dir, '--yes', '--output', 'json']));
      try {
        // Both children are connected and polling for the lock that this test holds.
        await untilAlive(children, 'both children to wait for the lock', async () => (await sessionsWaitingOrHolding()) >= 3);
        expect(await db.query('SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }]);
        await gate.release();
        gate = undefined;
        const results = await within(children, 60_000);
        await expectExactlyOneAppliedRun(results, N);
      } finally {
        await gate?.release();
        killQuietly(children);
      }
    },
    90_000,
  );
});

describe('a reconcile while the advisory lock is held', () => {
  it('gives up after --lock-timeout with a message naming the flag, and writes nothing', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('locked', { count: 50 }));
    const lock = await acquireAdvisoryLock(db.url, { timeoutMs: 1000 });
    try {
      const started = Date.now();
      const res = await cli(['reconcile', '--specs', specs.dir, '--yes', '--lock-timeout', '1'], { databaseUrl: db.url });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('another reconcile is applying');
      expect(res.stderr).toContain('--lock-timeout');
      // It waited out its timeout first (a lower bound: only giving up early can break it).
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(await db.query('SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }]);
      expect(await db.query('SELECT count(*)::int AS n FROM bulk_populations')).toEqual([{ n: 0 }]);
      expect(await db.query('SELECT count(*)::int AS n FROM bulk_reconcile_runs')).toEqual([{ n: 0 }]);
    } finally {
      await lock.release();
    }
  });

  it('waits for the lock with a longer --lock-timeout and then applies', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('waits', { count: 50 }));
    const lock = await acquireAdvisoryLock(db.url, { timeoutMs: 1000 });
    let finished = false;
    let atRelease: { finished: boolean; users: unknown } | undefined;
    try {
      const running = cli(['reconcile', '--specs', specs.dir, '--yes', '--lock-timeout', '30', '--output', 'json'], { databaseUrl: db.url }).finally(() => (finished = true));
      // Release only once the reconcile is seen waiting for the lock, and note that it had
      // neither finished nor written anything by then.
      await until('the reconcile to wait for the lock', async () => (await sessionsWaitingOrHolding()) >= 2, 30_000);
      atRelease = { finished, users: await db.query('SELECT count(*)::int AS n FROM users') };
      await lock.release();
      const res = await running;
      expect(atRelease).toEqual({ finished: false, users: [{ n: 0 }] });
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(JSON.parse(res.stdout).outcome).toBe('applied');
      expect(await db.query('SELECT count(*)::int AS n FROM users WHERE is_test_user')).toEqual([{ n: 50 }]);
      expect((await db.query('SELECT outcome FROM bulk_reconcile_runs')).map((r) => r.outcome)).toEqual(['succeeded']);
    } finally {
      await lock.release();
    }
  });

  it('plan (dry run) is not blocked by the lock and writes nothing', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('dry', { count: 50 }));
    const lock = await acquireAdvisoryLock(db.url, { timeoutMs: 1000 });
    try {
      // The lock stays held throughout: a plan or dry run that waited for it would fail
      // (--lock-timeout 0) or hang, so answering at all shows they take no lock.
      const plan = await cli(['plan', '--specs', specs.dir, '--output', 'json'], { databaseUrl: db.url });
      expect(plan.code).toBe(0);
      expect(JSON.parse(plan.stdout).summary).toMatchObject({ create: 50 });
      const dry = await cli(['reconcile', '--dry-run', '--specs', specs.dir, '--lock-timeout', '0', '--output', 'json'], { databaseUrl: db.url });
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout).outcome).toBe('planned');
      expect(await db.query('SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }]);
      expect(await db.query('SELECT count(*)::int AS n FROM bulk_populations')).toEqual([{ n: 0 }]);
      expect(await db.query('SELECT count(*)::int AS n FROM bulk_reconcile_runs')).toEqual([{ n: 0 }]);
    } finally {
      await lock.release();
    }
  });
});
