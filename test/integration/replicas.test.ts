/**
 * `bulk-users serve` replicas as real processes on one database (issue 6): exactly one
 * (the leader) applies each scheduled tick and a killed leader is replaced within
 * seconds; a CLI reconcile while a server applies waits for the reconcile lock (or gives
 * up after --lock-timeout); SIGTERM in the middle of an apply exits 0, releases the
 * leadership, and the next run converges from what it left.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { currentLeader } from '../../src/db/leaderLock.ts';
import { populationYaml, spawnCli, specDir } from '../support/cli.ts';
import { until } from '../support/until.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const PASSWORD = 'pw-for-tests';
const secretKey = randomBytes(32).toString('base64');

let db: TestDatabase;
const tempDirs: string[] = [];
const children: Proc[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs, bulk_population_status RESTART IDENTITY');
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
});

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[]): Proc {
  const logDir = mkdtempSync(path.join(tmpdir(), 'bu-replica-logs-'));
  tempDirs.push(logDir);
  const c = spawnCli(args, { env: { DATABASE_URL: db.url, BU_TEST_PASSWORD: PASSWORD, BULK_USERS_LOG_DIR: logDir, BULK_USERS_SECRET_KEY: secretKey, NODE_ENV: 'test' } });
  const p = { child: c.child, out: c.stdout, err: c.stderr, exited: c.exited.then(({ code, signal }) => ({ code, signal })) };
  children.push(p);
  return p;
}

/** Real processes start slower than in-process servers. */
const untilProcess = <T,>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000) => until(what, probe, ms);

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function listening(p: Proc): Promise<void> {
  await untilProcess(`serve to listen (${p.err()})`, async () => p.out().includes('listening on') || (p.child.exitCode !== null ? Promise.reject(new Error(`serve exited: ${p.err()}`)) : undefined), 30_000);
}

interface RunRow {
  id: number;
  trigger: string;
  outcome: string;
  actor: string | null;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
}
const runs = () => db.query<RunRow>(`SELECT id::int, trigger, outcome, actor, started_at, finished_at, error FROM bulk_reconcile_runs ORDER BY id`);
const members = async (population: string) => (await db.query(`SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs FROM users WHERE is_test_user AND population = $1`, [population]))[0] as { n: number; seqs: number };

function expectNoOverlap(rows: RunRow[]): void {
  const done = rows.filter((r) => r.finished_at && r.outcome !== 'interrupted').sort((a, b) => a.started_at.getTime() - b.started_at.getTime());
  for (let i = 1; i < done.length; i++) expect(done[i]!.started_at.getTime(), `run ${done[i]!.id} overlaps run ${done[i - 1]!.id}`).toBeGreaterThanOrEqual(done[i - 1]!.finished_at!.getTime());
}

describe('two serve replicas on one database', () => {
  it(
    'exactly one (the leader) applies each tick; killing it (SIGKILL) hands leadership to the survivor',
    async () => {
      const specs = specDir();
      specs.write('a.yaml', populationYaml('rep', { count: 20 }));
      const args = ['serve', '--port', '0', '--specs', specs.dir, '--schedule', '* * * * * *', '--jitter', '0', '--leader-retry', '0.5'];
      const a = start(args);
      const b = start(args);
      await Promise.all([listening(a), listening(b)]);
      // Every tick has work: the application keeps deleting a member.
      const drift = setInterval(() => void db.query(`DELETE FROM users WHERE population = 'rep' AND seq = 3`).catch(() => {}), 250);
      try {
        await untilProcess('five scheduled runs', async () => (await runs()).filter((r) => r.trigger === 'schedule' && r.outcome === 'succeeded').length >= 5 || undefined, 30_000);
        const leader = await currentLeader(db.database.db);
        expect(leader).toBeDefined();
        const leaderPid = Number(leader!.identity.split(':').pop());
        expect([a.child.pid, b.child.pid]).toContain(leaderPid);
        const [dead, survivor] = leaderPid === a.child.pid ? [a, b] : [b, a];
        const before = (await runs()).filter((r) => r.trigger === 'schedule');
        // Only the leader applied scheduled runs, one at a time.
        expect(new Set(before.map((r) => r.actor))).toEqual(new Set([`serve ${leader!.identity}`]));
        expectNoOverlap(before);

        dead.child.kill('SIGKILL');
        await dead.exited;
        // A takeover must happen (the bounds below are generous: they only rule out "never"
        // or "after a long lease"); how fast is measured in bench/, not here.
        const survivorActor = `serve ${(await untilProcess('the survivor to lead', async () => {
          const l = await currentLeader(db.database.db);
          return l && Number(l.identity.split(':').pop()) === survivor.child.pid ? l : undefined;
        }, 20_000)).identity}`;
        await untilProcess('a scheduled run by the survivor', async () => (await runs()).find((r) => r.trigger === 'schedule' && r.actor === survivorActor && r.finished_at), 20_000);
        await untilProcess('two more runs by the survivor', async () => (await runs()).filter((r) => r.actor === survivorActor && r.outcome === 'succeeded').length >= 2 || undefined, 20_000);
        const all = (await runs()).filter((r) => r.trigger === 'schedule');
        expect(new Set(all.map((r) => r.actor))).toEqual(new Set([`serve ${leader!.identity}`, survivorActor]));
        // The dead leader's runs all precede the survivor's: never both.
        const lastOfDead = Math.max(...all.filter((r) => r.actor !== survivorActor).map((r) => r.started_at.getTime()));
        expect(all.filter((r) => r.actor === survivorActor).every((r) => r.started_at.getTime() > lastOfDead)).toBe(true);
        expectNoOverlap(all);
      } finally {
        clearInterval(drift);
      }
      const survivor = [a, b].find((p) => p.child.exitCode === null && p.child.signalCode === null)!;
      survivor.child.kill('SIGTERM');
      expect(await within(survivor.exited, 15_000, 'shutdown')).toEqual({ code: 0, signal: null });
      const m = await members('rep');
      expect(m.n).toBe(m.seqs);
      expect(await currentLeader(db.database.db)).toBeUndefined();
    },
    150_000,
  );
});

describe('while a server applies', () => {
  const BIG = 200_000;

  it(
    'a CLI reconcile waits for the reconcile lock (or gives up after --lock-timeout) and never applies at the same time',
    async () => {
      const specs = specDir();
      specs.write('a.yaml', populationYaml('big', { count: BIG, batchSize: 100 }));
      const server = start(['serve', '--port', '0', '--specs', specs.dir, '--watch', '--leader-retry', '0.3']);
      await listening(server);
      await untilProcess('the server to be applying', async () => (await runs()).some((r) => r.outcome === 'running' && r.trigger === 'watch') && (await members('big')).n > 0 || undefined, 30_000);
      const impatient = start(['reconcile', '--specs', specs.dir, '--yes', '--lock-timeout', '0.5']);
      const patient = start(['reconcile', '--specs', specs.dir, '--yes', '--lock-timeout', '120', '--output', 'json']);
      const quick = await within(impatient.exited, 30_000, 'the impatient CLI');
      expect(quick.code).toBe(1);
      expect(impatient.err()).toContain('another reconcile is applying');
      expect(impatient.err()).toContain('--lock-timeout');
      const waited = await within(patient.exited, 90_000, 'the patient CLI');
      const cliDone = new Date();
      expect(waited.code, patient.err()).toBe(0);
      // The server applied everything; the CLI, once it had the lock, found nothing to do.
      expect(JSON.parse(patient.out()).outcome).toBe('no-changes');
      const all = await runs();
      expect(all.map((r) => [r.trigger, r.outcome])).toEqual([['watch', 'succeeded']]);
      expect(all[0]!.finished_at!.getTime()).toBeLessThanOrEqual(cliDone.getTime());
      expect(await members('big')).toEqual({ n: BIG, seqs: BIG });
      server.child.kill('SIGTERM');
      expect(await within(server.exited, 15_000, 'shutdown')).toEqual({ code: 0, signal: null });
    },
    120_000,
  );

  it(
    'SIGTERM mid-apply: the run stops at a batch boundary, the leader lock is released, exit 0; the next run converges',
    async () => {
      const specs = specDir();
      specs.write('a.yaml', populationYaml('cut', { count: BIG, batchSize: 100 }));
      const server = start(['serve', '--port', '0', '--specs', specs.dir, '--watch', '--leader-retry', '0.3']);
      await listening(server);
      await untilProcess('the apply to be under way', async () => (await members('cut')).n > 2000 || undefined, 30_000);
      server.child.kill('SIGTERM');
      const exit = await within(server.exited, 20_000, 'shutdown');
      expect(exit, server.err()).toEqual({ code: 0, signal: null });
      expect(server.out()).toContain('bulk-users API stopped');
      const left = await members('cut');
      expect(left.n).toBeGreaterThan(0);
      expect(left.n).toBeLessThan(BIG);
      expect(left.n).toBe(left.seqs);
      const [run] = await runs();
      expect(run).toMatchObject({ trigger: 'watch', outcome: 'failed' });
      expect(run!.error).toContain('shutting down');
      // No lock left behind: neither the leader's nor the reconcile lock.
      expect(await currentLeader(db.database.db)).toBeUndefined();
      expect(await db.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).toEqual([{ n: 0 }]);

      const next = start(['reconcile', '--specs', specs.dir, '--yes', '--lock-timeout', '5', '--output', 'json']);
      expect((await within(next.exited, 60_000, 'the next reconcile')).code, next.err()).toBe(0);
      const json = JSON.parse(next.out());
      expect(json.outcome).toBe('applied');
      expect(json.summary.create).toBe(BIG - left.n);
      expect(await members('cut')).toEqual({ n: BIG, seqs: BIG });
      const again = start(['plan', '--specs', specs.dir, '--detailed-exitcode']);
      expect((await within(again.exited, 30_000, 'plan')).code).toBe(0);
    },
    120_000,
  );
});
