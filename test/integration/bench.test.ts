import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, inject } from 'vitest';

/**
 * Keeps the benchmark from rotting: `npm run bench -- --quick` must run to the end and
 * produce every figure. Timings are never asserted (this machine is shared with the rest
 * of the suite); the targets that count rows, requests and records are.
 */
const outDir = mkdtempSync(path.join(tmpdir(), 'bu-bench-test-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const FIGURES = [
  'n',
  'create.rounds',
  'create.reconcile.seconds',
  'create.reconcile.worstSeconds',
  'create.reconcile.rowsPerSecond',
  'create.reconcile.observeAndPlanSeconds',
  'create.reconcile.insertSeconds',
  'create.copy.seconds',
  'create.copy.rowsPerSecond',
  'create.copy.worstSeconds',
  'create.rowByRow.sampleRows',
  'create.rowByRow.sampleSeconds',
  'create.rowByRow.rowsPerSecond',
  'create.rowByRow.projectedSecondsForN',
  'create.copy2.seconds',
  'create.copy2.rowsPerSecond',
  'create.ceiling.seconds',
  'create.ceiling.rowsPerSecond',
  'create.ceiling.worstSeconds',
  'create.ratio.reconcileToCeiling',
  'create.ratio.ceilingToCopy',
  'create.writeStreams.streams',
  'create.writeStreams.usernameOrder',
  'create.ratio.reconcileToCopy',
  'create.ratio.reconcileToCopy2',
  'create.ratio.reconcileToRowByRow',
  'create.ratio.copyToRowByRow',
  'create.rssMB',
  'fullSync.seconds',
  'fullSync.recordsSent',
  'fullSync.recordsPerSecond',
  'fullSync.requests',
  'fullSync.bytesSent',
  'fullSync.rssMB',
  'fullSync.timeVsCreate',
  'fullSync.stageMs.upsert.read',
  'fullSync.stageMs.upsert.mark',
  'fullSync.stageMs.client.http',
  'fullSync.stageMs.server.encrypt',
  // A full sync writes every batch by the plain INSERT (nothing of it is held yet, and the
  // records of a chunk share all but username and e-mail).
  'fullSync.stageMs.server.insert',
  'fullSync.stageMs.server.probe',
  'fullSync.floor.loadTesterSeconds',
  'fullSync.floor.syncStateSeconds',
  'fullSync.floor.seconds',
  'fullSync.floor.timeVsCreate',
  'fullSync.timeVsFloor',
  'fullSync.cpuMs.reconciler',
  'fullSync.cpuMs.loadTester',
  'noop.seconds',
  'noop.statements',
  'noop.rowsReturned',
  'noop.usersTuplesReadByServer',
  'noop.syncStateTuplesReadByServer',
  'noop.requests',
  'noop.bytesSent',
  'noop.bytesReceived',
  'noop.loadTesterDigestMs',
  'noop.rssMB',
  'differential.recordsChanged',
  'differential.recordsSent',
  'differential.sentPerChanged',
  'differential.seconds',
  'differential.timeVsFullSync',
  'differential.requests',
  'differential.rowsReturned',
  'differential.rssMB',
  'drift.recordsLost',
  'drift.recordsListed',
  'drift.recordsSent',
  'drift.listedPerN',
  'drift.sentPerN',
  'drift.sentPerLost',
  'drift.recordsMissingAfter',
  'drift.repaired',
  'drift.requests',
  'drift.seconds',
  'drift.rssMB',
  'scaleDown.usersDeleted',
  'scaleDown.targetRecordsDeleted',
  'scaleDown.seconds',
  'scaleDown.rowsPerSecond',
  'scaleDown.dbDeleteRowsPerSecond',
  'scaleDown.rssMB',
  'expiry.usersDeleted',
  'expiry.targetRecordsDeleted',
  'expiry.seconds',
  'expiry.rowsPerSecond',
  'expiry.dbDeleteRowsPerSecond',
  'expiry.rssMB',
  'memory.peakRssMB',
  'memory.baselineRssMB',
  'startup.runs',
  'startup.nodeE1Seconds',
  'startup.validateSeconds',
  'startup.helpSeconds',
  'startup.validateToNodeE1',
  'startup.helpToNodeE1',
  ...['stats', 'batches', 'batchesId', 'syncStatus', 'cleanupCandidates'].flatMap((e) => [`reads.${e}.p50Ms`, `reads.${e}.p95Ms`]),
  ...['insert', 'update', 'delete', 'create'].flatMap((w) => [`writes.${w}.ratio`, `writes.${w}.withPerSecond`, `writes.${w}.withoutPerSecond`]),
];

const TARGETS = [
  'createVsCopy', 'createVsRowByRow', 'noopRows', 'noopRequests', 'differential', 'drift', 'fullSyncVsCreate', 'memory', 'startupValidate', 'startupHelp',
  ...['stats', 'batches', 'batchesId', 'syncStatus', 'cleanupCandidates'].map((e) => `read.${e}`),
  ...['insert', 'update', 'delete', 'create'].map((w) => `write.${w}`),
];

function runBench(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench -- --quick', () => {
  it(
    'runs every step, produces every figure, and meets the machine-independent targets',
    async () => {
      const out = path.join(outDir, 'quick.json');
      // The same PostgreSQL server as the rest of the suite; the bench makes and drops a database of its own.
      const { code, stdout, stderr } = await runBench(['--quick', '--out', out], { ...process.env, DATABASE_URL: inject('adminDatabaseUrl') });
      expect(code, `bench exited ${code}\n${stderr}\n${stdout}`).toBe(0);

      const results = JSON.parse(readFileSync(out, 'utf8')) as {
        n: number;
        machine: Record<string, unknown>;
        postgres: { version: string };
        figures: Record<string, unknown>;
        targets: Record<string, { value: unknown; met: unknown; rule: unknown }>;
      };
      expect(results.n).toBe(20_000);
      expect(results.postgres.version).toMatch(/PostgreSQL \d+/);
      expect(results.machine).toMatchObject({ cpus: expect.any(Number), memoryMB: expect.any(Number), node: process.version });

      const missing = FIGURES.filter((k) => typeof results.figures[k] !== 'number' || !Number.isFinite(results.figures[k]));
      expect(missing, `figures missing or not finite: ${missing.map((k) => `${k}=${String(results.figures[k])}`).join(', ')}`).toEqual([]);
      const notFinite = Object.entries(results.figures).filter(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
      expect(notFinite).toEqual([]);

      expect(Object.keys(results.targets).sort()).toEqual([...TARGETS].sort());
      for (const [name, t] of Object.entries(results.targets)) {
        expect(Number.isFinite(t.value), `target ${name}`).toBe(true);
        expect(typeof t.met, `target ${name}`).toBe('boolean');
      }

      // The targets that do not depend on the machine must be met, even on a busy one: a
      // no-op reads O(1) rows and sends O(1) requests, a differential sync sends what
      // changed (and little else), drift repair sends at most twice what was lost and
      // leaves nothing missing.
      const f = results.figures as Record<string, number>;
      for (const name of ['noopRows', 'noopRequests', 'differential', 'drift']) {
        expect(results.targets[name], `target ${name}`).toMatchObject({ met: true });
      }
      expect(f['differential.recordsChanged']).toBeGreaterThan(0);
      expect(f['differential.recordsSent']).toBeGreaterThanOrEqual(f['differential.recordsChanged']!);
      expect(f['differential.sentPerChanged']).toBeLessThanOrEqual(1.05);
      expect(f['drift.recordsLost']).toBeGreaterThan(0);
      expect(f['drift.sentPerLost']).toBeLessThanOrEqual(2);
      expect(f['drift.repaired']).toBe(1);
      expect(f['drift.recordsMissingAfter']).toBe(0);
      expect(f['noop.requests']).toBeLessThanOrEqual(results.targets.noopRequests!.value as number);

      // The table names every step and reports each target as met or missed.
      for (const step of ['1 create', '2 full sync', '2 no-op', '3 differential', '4 drift repair', '5 scale down 50%', '5 expiry 100%', '6 memory', '7 start-up']) expect(stdout).toContain(step);
      expect(stdout.match(/\b(met|MISSED)\b/g)?.length ?? 0).toBeGreaterThanOrEqual(TARGETS.length);
    },
    300_000,
  );
});
