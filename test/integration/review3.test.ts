import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireAdvisoryLock, LockTimeoutError } from '../../src/db/advisoryLock.ts';
import { LOCK_KEYS } from '../../src/db/lockKeys.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

/** Settles with what `p` settled with, or with 'still waiting' after `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  return Promise.race([p, new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), ms))]);
}

describe('a create batch of a killed run that never finishes (blocked in the server)', () => {
  // The orphan stands for a batch the server still runs after its process died, stuck
  // (say behind an operator's open transaction): the next run must keep its lock timeout
  // and its abort signal, not wait without end.
  async function withOrphan(fn: () => Promise<void>): Promise<void> {
    const orphan = new pg.Client({ connectionString: t.url });
    await orphan.connect();
    try {
      await orphan.query('BEGIN');
      await orphan.query('SELECT pg_advisory_xact_lock_shared($1)', [LOCK_KEYS.createsInFlight]);
      await fn();
    } finally {
      await orphan.query('ROLLBACK').catch(() => {});
      await orphan.end();
    }
  }

  it('the next run gives up after its lock timeout with LockTimeoutError, and holds no reconcile lock', async () => {
    await withOrphan(async () => {
      const attempt = acquireAdvisoryLock(t.url, { timeoutMs: 300, pollMs: 50 }).then(
        async (l) => {
          await l.release();
          return 'acquired' as const;
        },
        (e: unknown) => e,
      );
      const outcome = await within(attempt, 20_000);
      expect(outcome).toBeInstanceOf(LockTimeoutError);
      // It names what it waited for, not another reconcile.
      expect((outcome as Error).message).toMatch(/^create batches of an earlier run, whose process is gone, are still running in the database/);
      // The reconcile lock it took first is free again.
      const [row] = await t.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_KEYS.reconcile]);
      expect(row!.ok).toBe(true);
      await t.query('SELECT pg_advisory_unlock($1)', [LOCK_KEYS.reconcile]);
    });
  });

  it('an abort signal stops the wait', async () => {
    await withOrphan(async () => {
      const controller = new AbortController();
      const attempt = acquireAdvisoryLock(t.url, { timeoutMs: 600_000, pollMs: 50, signal: controller.signal }).then(
        async (l) => {
          await l.release();
          return 'acquired' as const;
        },
        (e: unknown) => e,
      );
      setTimeout(() => controller.abort(new Error('shutting down')), 300);
      const outcome = await within(attempt, 20_000);
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toBe('shutting down');
    });
  });

  it('still waits for the batch when it does finish in time', async () => {
    const orphan = new pg.Client({ connectionString: t.url });
    await orphan.connect();
    try {
      await orphan.query('BEGIN');
      await orphan.query('SELECT pg_advisory_xact_lock_shared($1)', [LOCK_KEYS.createsInFlight]);
      let settled = false;
      const attempt = acquireAdvisoryLock(t.url, { timeoutMs: 60_000, pollMs: 50 }).finally(() => {
        settled = true;
      });
      await new Promise((r) => setTimeout(r, 400));
      expect(settled).toBe(false);
      await orphan.query('COMMIT');
      const lock = await attempt;
      await lock.release();
    } finally {
      await orphan.end();
    }
  });
});

describe('username patterns an attacker would write, through the real reconcile path', () => {
  const ENV = { BU_TEST_PASSWORD: 'pw-for-tests' };
  const PATTERNS = [
    `x');DROP/**/TABLE/**/users;--{id}`,
    `a\\'{id}\\`,
    "$$q$$_{id}$$",
    `E'\\x00{id}';SELECT/**/1;`,
    `😀𝄞{id}\u{10FFFD}'`,
    `${"'".repeat(90)}{id}${'\\'.repeat(100)}`,
  ];
  it.each(PATTERNS.map((p, i) => [i, p] as const))('pattern %i stores exactly the usernames it names, and the next plan is a no-op', async (i, pattern) => {
    const { reconcile } = await import('../../src/reconcile/reconcile.ts');
    const { buildDesiredState } = await import('../../src/spec/loadSpecs.ts');
    const { populationYaml } = await import('../support/cli.ts');
    const { silentLogger } = await import('../../src/log/logger.ts');
    const name = `pat${i}`;
    await t.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs RESTART IDENTITY');
    const built = buildDesiredState([{ file: 'p.yaml', text: populationYaml(name, { count: 7, batchSize: 3, usernamePattern: pattern, idStart: 98 }) }]);
    expect(built.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const r = await reconcile(t.database, { state: built.state, dryRun: false, env: ENV, logger: silentLogger });
    expect(r.outcome).toBe('applied');
    expect(r.applied?.created).toBe(7);
    const got = await t.query<{ username: string; email: string }>(`SELECT username, email FROM users WHERE population = $1 ORDER BY users.seq`, [name]);
    const want = Array.from({ length: 7 }, (_, k) => pattern.replace('{id}', String(98 + k)));
    expect(got.map((g) => g.username)).toEqual(want);
    expect(got.map((g) => g.email)).toEqual(want.map((u) => `${u}@example.com`));
    expect((await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM users`))[0]!.n).toBe(7);
    const again = await reconcile(t.database, { state: built.state, dryRun: true, env: ENV, logger: silentLogger });
    expect(again.plan.hasChanges).toBe(false);
  });
});
