/**
 * Continuous reconciliation in-process (issue 6): the cron schedule never overlaps runs,
 * spec watching applies edits and keeps the last valid specs when an edit does not
 * validate, failed runs are requeued with backoff only when that can help, and the
 * population status conditions move through create -> sync failure -> recovery -> expiry.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireAdvisoryLock } from '../../src/db/advisoryLock.ts';
import { currentLeader, LeaderLock } from '../../src/db/leaderLock.ts';
import { readPopulationStatuses } from '../../src/db/populationStatusQueries.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { startLoadTester, type RunningLoadTester } from '../../src/loadtester/startLoadTester.ts';
import type { PopulationStatus } from '../../src/db/PopulationStatus.ts';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import { ReconcileController, type ControllerOptions } from '../../src/reconcile/ReconcileController.ts';
import { createApiKey } from '../../src/server/auth/createApiKey.ts';
import { startServer } from '../../src/server/startServer.ts';
import { buildDesiredState, readSpecSources } from '../../src/spec/loadSpecs.ts';
import type { SnapshotTarget, SyncTargetDriver } from '../../src/targets/SyncTargetDriver.ts';
import { FileTarget } from '../../src/targets/file/FileTarget.ts';
import { cli, populationYaml, specDir } from '../support/cli.ts';
import { sleep, until } from '../support/until.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const PASSWORD = 'pw-for-tests';
let db: TestDatabase;
const secretKey = randomBytes(32);

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs, bulk_sync_state, bulk_sync_ranges, bulk_targets, bulk_population_status RESTART IDENTITY');
});


const members = async (population: string): Promise<number> =>
  (await db.query(`SELECT count(*)::int AS n FROM users WHERE is_test_user AND population = $1`, [population]))[0].n;
const runs = () => db.query<{ id: number; trigger: string; outcome: string; started_at: Date; finished_at: Date | null; actor: string | null }>(`SELECT id::int, trigger, outcome, started_at, finished_at, actor FROM bulk_reconcile_runs ORDER BY id`);
const statusOf = async (name: string): Promise<PopulationStatus | undefined> => (await readPopulationStatuses(db.database.db, [name])).get(name);
const condition = (s: PopulationStatus | undefined, type: string) => s?.conditions.find((c) => c.type === type);

function controller(specs: string, over: Partial<ControllerOptions>): ReconcileController {
  return new ReconcileController({
    database: db.database,
    specsDir: specs,
    env: { BU_TEST_PASSWORD: PASSWORD },
    secretKey,
    logger: silentLogger,
    identity: `test:${process.pid}`,
    jitterMs: 0,
    leaderRetryMs: 200,
    watchDebounceMs: 150,
    backoff: { baseMs: 100, maxMs: 2000 },
    ...over,
  });
}

describe('scheduled reconciliation', () => {
  it(
    'runs every second and never overlaps: a slow run spans several ticks and those ticks are skipped',
    async () => {
      const specs = specDir();
      const out = mkdtempSync(path.join(tmpdir(), 'bu-tick-'));
      specs.write('a.yaml', populationYaml('tick', { count: 5, syncTargets: ['slow-file'] }) + `---\napiVersion: bulk-users/v1\nkind: SyncTarget\nmetadata: { name: slow-file }\nspec: { type: file, path: u.csv, format: csv }\n`);
      const target = buildDesiredState(readSpecSources(specs.dir)).state.targets[0]!;
      // Every write of the file takes 2.2 s: a run with anything to sync spans two or three ticks.
      const file = new FileTarget(target, out);
      let writing = 0;
      let maxWriting = 0;
      const slow: SnapshotTarget = {
        mode: 'snapshot',
        name: 'slow-file',
        fingerprint: () => file.fingerprint(),
        async write(records) {
          writing++;
          maxWriting = Math.max(maxWriting, writing);
          try {
            await sleep(2200);
            return await file.write(records);
          } finally {
            writing--;
          }
        },
      };
      const c = controller(specs.dir, { schedule: '* * * * * *', drivers: new Map<string, SyncTargetDriver>([['slow-file', slow]]), baseDir: out });
      await c.start();
      // Something to do at every tick: a member disappears (the application deleted it).
      const drift = setInterval(() => void db.query(`DELETE FROM users WHERE population = 'tick' AND seq = 1`).catch(() => {}), 300);
      try {
        await until('three scheduled runs', async () => (await runs()).filter((r) => r.trigger === 'schedule' && r.finished_at).length >= 3 || undefined, 30_000);
      } finally {
        clearInterval(drift);
        await c.stop();
      }
      const scheduled = (await runs()).filter((r) => r.trigger === 'schedule');
      expect(scheduled.length).toBeGreaterThanOrEqual(3);
      for (const r of scheduled) {
        expect(['succeeded', 'failed']).toContain(r.outcome);
        expect(r.actor).toBe(`serve test:${process.pid}`);
      }
      // Never two at once: each run starts after the previous one finished...
      const finished = scheduled.filter((r) => r.finished_at);
      for (let i = 1; i < finished.length; i++) expect(finished[i]!.started_at.getTime()).toBeGreaterThanOrEqual(finished[i - 1]!.finished_at!.getTime());
      expect(maxWriting).toBe(1);
      // ...and the ticks that came during a run were skipped, not queued.
      expect(c.view().skippedTicks).toBeGreaterThanOrEqual(2);
      expect(finished.every((r) => r.finished_at!.getTime() - r.started_at.getTime() >= 2000)).toBe(true);
      // Stopped: no leader left, no run going.
      expect(c.view()).toMatchObject({ leader: false, running: null });
    },
    60_000,
  );
});

describe('spec watching (serve --watch), over HTTP', () => {
  it(
    'applies a saved edit; an edit that does not validate keeps the last valid specs (nothing deleted) and is reported in status, log and API',
    async () => {
      const specs = specDir();
      specs.write('a.yaml', populationYaml('watched', { count: 10 }));
      specs.write('b.yaml', populationYaml('bystander', { count: 4 }));
      const key = await createApiKey(db.database.db, `watch-${randomBytes(3).toString('hex')}`);
      const server = await startServer({
        port: 0,
        specsDir: specs.dir,
        env: { DATABASE_URL: db.url, BULK_USERS_SECRET_KEY: secretKey.toString('base64'), BU_TEST_PASSWORD: PASSWORD },
        logger: false,
        continuous: { watch: true, watchDebounceMs: 150, leaderRetryMs: 200, identity: 'watcher' },
      });
      const get = async (p: string) => {
        const res = await fetch(`${server.url}${p}`, { headers: { 'x-api-key': key.token } });
        expect(res.status, p).toBe(200);
        return (await res.json()) as any;
      };
      try {
        // Leadership starts with a catch-up run.
        await until('the initial watch run', async () => (await members('watched')) === 10 || undefined);
        specs.write('a.yaml', populationYaml('watched', { count: 15 }));
        await until('the edit applied', async () => (await members('watched')) === 15 || undefined);
        await until('its status', async () => (await statusOf('watched'))?.actualCount === 15 || undefined);
        const before = await runs();
        expect(before.map((r) => r.trigger)).toEqual(['watch', 'watch']);

        // A broken edit that, read literally, would remove the population: "${id}" does not validate.
        specs.write('a.yaml', populationYaml('watched', { count: 2, usernamePattern: 'watched_${id}' }));
        const degraded = await until('Degraded=True (SpecInvalid)', async () => {
          const s = await statusOf('watched');
          return condition(s, 'Degraded')?.reason === 'SpecInvalid' ? s : undefined;
        });
        expect(condition(degraded, 'Degraded')).toMatchObject({ status: 'True' });
        expect(condition(degraded, 'Degraded')!.message).toContain('uses ${id}');
        expect(condition(degraded, 'Ready')).toMatchObject({ status: 'True', reason: 'Reconciled' });
        expect(degraded.lastError).toMatchObject({ reason: 'SpecInvalid' });
        expect(await members('watched')).toBe(15);
        expect(await members('bystander')).toBe(4);
        expect(await runs()).toEqual(before);

        const batches = await get('/api/bulk-users/batches');
        const watched = batches.batches.find((b: any) => b.batch_id === 'watched');
        expect(watched).toMatchObject({ desired_count: 15, actual_count: 15, phase: 'Active', generation: 2, observed_generation: 2 });
        expect(watched.conditions.find((c: any) => c.type === 'Degraded')).toMatchObject({ status: 'True', reason: 'SpecInvalid' });
        expect(watched.last_error).toMatchObject({ reason: 'SpecInvalid' });
        expect(batches.spec_errors[0].message).toContain('uses ${id}');
        const runsView = await get('/api/bulk-users/runs');
        expect(runsView.controller).toMatchObject({ replica: 'watcher', leader: true, watching: specs.dir });
        expect(runsView.controller.spec_errors[0].message).toContain('uses ${id}');
        expect(runsView.leader).toMatchObject({ replica: 'watcher' });
        expect(runsView.runs.map((r: any) => r.trigger)).toEqual(['watch', 'watch']);
        expect(runsView.runs[0]).toMatchObject({ outcome: 'succeeded', actor: 'serve watcher', summary: { create: 5 } });
        expect(typeof runsView.runs[0].duration_seconds).toBe('number');

        // Fixed: applied, and the condition clears.
        specs.write('a.yaml', populationYaml('watched', { count: 12 }));
        await until('the fix applied', async () => (await members('watched')) === 12 || undefined);
        const fixed = await until('Degraded=False', async () => {
          const s = await statusOf('watched');
          return condition(s, 'Degraded')?.status === 'False' && s?.actualCount === 12 ? s : undefined;
        });
        expect(condition(fixed, 'Degraded')!.lastTransitionTime > condition(degraded, 'Degraded')!.lastTransitionTime).toBe(true);
        // Ready never flipped: its transition time is still the first one.
        expect(condition(fixed, 'Ready')!.lastTransitionTime).toBe(condition(degraded, 'Ready')!.lastTransitionTime);
        expect((await get('/api/bulk-users/runs')).controller.spec_errors).toEqual([]);
      } finally {
        await server.close();
      }
      expect(await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'bulk-users-leader%'`)).toEqual([{ n: 0 }]);
    },
    60_000,
  );
});

describe('leader election', () => {
  it('one of two candidates leads; when its connection is killed it steps down and leadership is taken again', async () => {
    const events: string[] = [];
    const make = (id: string) => new LeaderLock({ url: db.url, identity: id, logger: silentLogger, retryMs: 200, onChange: (leader) => events.push(`${id}:${leader}`) });
    const a = make('cand-a');
    const b = make('cand-b');
    a.start();
    b.start();
    try {
      await until('a leader', async () => a.isLeader || b.isLeader || undefined);
      await sleep(600);
      expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
      const leader = a.isLeader ? a : b;
      const name = leader === a ? 'cand-a' : 'cand-b';
      expect((await currentLeader(db.database.db))?.identity).toBe(name);
      // The database drops the leader's connection (a failover, an idle-session kill...).
      await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`bulk-users-leader ${name}`]);
      // Generous bounds: they rule out "never" (or a wait for some long timeout), not a slow machine.
      await until('the leader to step down', async () => !leader.isLeader || undefined, 15_000);
      await until('a leader again', async () => a.isLeader || b.isLeader || undefined, 15_000);
      expect(events).toContain(`${name}:false`);
      expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    } finally {
      await a.stop();
      await b.stop();
    }
    expect(await currentLeader(db.database.db)).toBeUndefined();
  });
});

describe('failure handling', () => {
  it('a retryable failure (lock held elsewhere) is requeued with growing backoff, then succeeds', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('retried', { count: 3 }));
    const lock = await acquireAdvisoryLock(db.url, { timeoutMs: 1000 });
    const c = controller(specs.dir, { watch: true, lockTimeoutMs: 200, backoff: { baseMs: 150, maxMs: 5000 } });
    let released = false;
    try {
      await c.start();
      const attempts = new Set<number>();
      await until('three retries', async () => {
        const r = c.view().retry;
        if (r) attempts.add(r.attempt);
        return attempts.size >= 3 || undefined;
      });
      expect(c.view().lastAttempt).toMatchObject({ trigger: 'watch', outcome: 'failed', reason: 'LockTimeout' });
      expect(await members('retried')).toBe(0);
      await lock.release();
      released = true;
      await until('the retry to succeed', async () => (await members('retried')) === 3 || undefined);
      await until('a clean attempt', async () => c.view().lastAttempt?.outcome === 'applied' || undefined);
      expect(c.view().retry).toBeNull();
      expect((await runs()).map((r) => [r.trigger, r.outcome])).toEqual([['watch', 'succeeded']]);
    } finally {
      if (!released) await lock.release();
      await c.stop();
    }
  });

  it('a terminal failure (password variable not set) is not retried; the status says why; fixing it and saving the spec recovers', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('nopw', { count: 3, password: { fromEnv: 'BU_MISSING_PW' } }));
    const env: NodeJS.ProcessEnv = { BU_TEST_PASSWORD: PASSWORD };
    const c = controller(specs.dir, { watch: true, env });
    try {
      await c.start();
      await until('the refused attempt', async () => c.view().lastAttempt?.outcome === 'failed' || undefined);
      expect(c.view().lastAttempt).toMatchObject({ reason: 'PasswordUnavailable' });
      await sleep(600);
      expect(c.view().retry).toBeNull();
      expect((await runs()).map((r) => r.outcome)).toEqual(['refused']);
      const s = await statusOf('nopw');
      expect(s).toMatchObject({ phase: 'Pending', desiredCount: 3, actualCount: 0, generation: 1, observedGeneration: 0 });
      expect(condition(s, 'Ready')).toMatchObject({ status: 'False', reason: 'PasswordUnavailable' });
      expect(condition(s, 'Degraded')).toMatchObject({ status: 'True', reason: 'PasswordUnavailable' });
      expect(s!.lastError!.message).toContain('BU_MISSING_PW');

      env.BU_MISSING_PW = 'now-set';
      specs.write('a.yaml', populationYaml('nopw', { count: 3, password: { fromEnv: 'BU_MISSING_PW' } }) + '# saved again\n');
      await until('recovery', async () => (await members('nopw')) === 3 || undefined);
      const ok = await until('Ready=True', async () => {
        const x = await statusOf('nopw');
        return condition(x, 'Ready')?.status === 'True' ? x : undefined;
      });
      expect(condition(ok, 'Degraded')).toMatchObject({ status: 'False', reason: 'AsExpected' });
      expect(ok.lastError).toMatchObject({ reason: 'PasswordUnavailable' });
    } finally {
      await c.stop();
    }
  });
});

describe('status conditions', () => {
  let lt: RunningLoadTester | undefined;
  let ltDb: TestDatabase;
  beforeAll(async () => {
    ltDb = await createTestDatabase();
  });
  afterAll(async () => {
    await lt?.close();
    await ltDb?.drop();
  });

  it('create -> sync failure (Load Tester down) -> recovery -> expiry', async () => {
    const ltEnv = { LOADTESTER_DATABASE_URL: ltDb.url, LOADTESTER_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') };
    lt = await startLoadTester({ port: 0, env: ltEnv, logger: false });
    const port = lt.port;
    const text = (count: number) =>
      populationYaml('cond', { count, ttl: '30m', syncTargets: ['lt'] }) +
      `---\napiVersion: bulk-users/v1\nkind: SyncTarget\nmetadata: { name: lt }\nspec: { type: loadtester, url: "http://127.0.0.1:${port}", timeoutSeconds: 2, retry: { attempts: 1, delaySeconds: 0 } }\n`;
    const state = (count: number) => {
      const built = buildDesiredState([{ file: 'cond.yaml', text: text(count) }]);
      expect(built.problems.filter((p) => p.severity === 'error')).toEqual([]);
      return built.state;
    };
    const T0 = new Date('2031-03-01T10:00:00Z');
    const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
    const run = (count: number, now: Date) => reconcile(db.database, { state: state(count), dryRun: false, env: { BU_TEST_PASSWORD: PASSWORD }, logger: silentLogger, now, refreshStatus: true, trigger: 'schedule' });

    // create
    expect((await run(20, T0)).outcome).toBe('applied');
    const created = await statusOf('cond');
    expect(created).toMatchObject({ phase: 'Active', desiredCount: 20, actualCount: 20, generation: 1, observedGeneration: 1, targets: [{ target: 'lt', state: 'InSync', expected: 20, held: 20 }] });
    expect(created!.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'Reconciled'],
      ['Synced', 'True', 'InSync'],
      ['Expired', 'False', 'LeaseActive'],
      ['Degraded', 'False', 'AsExpected'],
    ]);
    expect(created!.lastError).toBeNull();

    // sync failure: the Load Tester is down while the population grows
    await lt.close();
    lt = undefined;
    expect((await run(25, at(5))).outcome).toBe('partial');
    const failing = await statusOf('cond');
    expect(failing).toMatchObject({ desiredCount: 25, actualCount: 25, generation: 2, observedGeneration: 2 });
    expect(failing!.targets[0]).toMatchObject({ target: 'lt', expected: 25, held: 20 });
    expect(['Unreachable', 'Failed']).toContain(failing!.targets[0]!.state);
    expect(condition(failing, 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: condition(created, 'Ready')!.lastTransitionTime });
    expect(condition(failing, 'Synced')).toMatchObject({ status: 'False', lastTransitionTime: at(5).toISOString() });
    expect(['TargetUnreachable', 'SyncFailed']).toContain(condition(failing, 'Synced')!.reason);
    expect(condition(failing, 'Degraded')).toMatchObject({ status: 'True' });
    expect(failing!.lastError!.message).toContain('lt');
    // Still down, nothing new to do: the controller's no-op run keeps reporting it.
    expect((await run(25, at(6))).outcome).toBe('partial');
    expect(condition(await statusOf('cond'), 'Synced')).toMatchObject({ status: 'False', lastTransitionTime: at(5).toISOString() });

    // recovery: the Load Tester is back on the same port
    lt = await startLoadTester({ port, env: ltEnv, logger: false });
    expect((await run(25, at(10))).outcome).toBe('applied');
    const recovered = await statusOf('cond');
    expect(recovered!.targets).toEqual([{ target: 'lt', state: 'InSync', expected: 25, held: 25 }]);
    expect(condition(recovered, 'Synced')).toMatchObject({ status: 'True', reason: 'InSync', lastTransitionTime: at(10).toISOString() });
    expect(condition(recovered, 'Degraded')).toMatchObject({ status: 'False', lastTransitionTime: at(10).toISOString() });
    expect(recovered!.lastError).toEqual(failing!.lastError);
    // A no-op run changes nothing, not even the status row.
    const row = await db.query(`SELECT xmin::text FROM bulk_population_status WHERE name = 'cond'`);
    expect((await run(25, at(11))).outcome).toBe('no-changes');
    expect(await db.query(`SELECT xmin::text FROM bulk_population_status WHERE name = 'cond'`)).toEqual(row);

    // expiry: 30 minutes after the lease began (it restarted with the new count at minute 5)
    expect((await run(25, at(34))).outcome).toBe('no-changes');
    expect((await run(25, at(36))).outcome).toBe('applied');
    const expired = await statusOf('cond');
    expect(expired).toMatchObject({ phase: 'Expired', desiredCount: 0, declaredCount: 25, actualCount: 0 });
    expect(condition(expired, 'Expired')).toMatchObject({ status: 'True', reason: 'LeaseExpired', lastTransitionTime: at(36).toISOString() });
    expect(condition(expired, 'Ready')).toMatchObject({ status: 'False', reason: 'LeaseExpired', lastTransitionTime: at(36).toISOString() });
    expect(await members('cond')).toBe(0);

    // bulk-users status shows the same, from the database alone.
    const shown = await cli(['status', 'cond'], { databaseUrl: db.url });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/cond\s+Expired\s+0\s+0\s+2\/2\s+False\s+True\s+True\s+False/);
    expect(shown.stdout).toContain('Expired  True    LeaseExpired: expired at');
    expect(shown.stdout).toContain('target lt: InSync, 0 of 0 held');
    expect(shown.stdout).toMatch(/last error .*: (TargetUnreachable|SyncFailed): /);
    expect(shown.stdout).toContain('Recent runs:');
    const json = JSON.parse((await cli(['status', '--output', 'json', '--runs', '2'], { databaseUrl: db.url })).stdout);
    expect(json.populations.map((p: PopulationStatus) => p.name)).toEqual(['cond']);
    expect(json.runs).toHaveLength(2);
    expect(json.runs[0]).toMatchObject({ trigger: 'schedule', outcome: 'succeeded' });
  });
});
