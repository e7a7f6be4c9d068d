/**
 * One measured reconcile, in a process of its own so that its peak RSS is the reconcile's
 * and not the benchmark's. Compiled with the sources (`npm run build`) and run as
 * `node dist/bench/reconcileChild.js INPUT.json`;
 * prints one line `RESULT <json>` (a ChildResult) on stdout.
 *
 * Every SQL statement the reconciler sends is counted by wrapping pg.Client#query (Kysely's
 * pg driver runs each query on a pooled pg.Client, and the advisory lock uses a Client of
 * its own), so "rows returned by the database" is what actually crossed the wire.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import pino from 'pino';
import { hashPassword } from '../src/crypto/passwordHash.ts';
import { openDatabase } from '../src/db/openDatabase.ts';
import { reconcile } from '../src/reconcile/reconcile.ts';
import { buildDesiredState } from '../src/spec/loadSpecs.ts';
import { LoadTesterTarget, type TransferStats } from '../src/targets/loadtester/LoadTesterTarget.ts';
import type { SyncTargetDriver } from '../src/targets/SyncTargetDriver.ts';
import type { ChildInput, ChildResult, StatementStats } from './childProtocol.ts';

import { tuneGarbageCollection } from '../src/tuneGarbageCollection.ts';

const processStarted = performance.now();
// As the CLI does (src/cli/main.ts): the peak RSS measured is the command's.
tuneGarbageCollection();
const input = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ChildInput;

// ---------------------------------------------------------------------------------------
// Count statements, rows returned and rows affected at the pg client.

interface Tally {
  calls: number;
  rows: number;
  affected: number;
  ms: number;
  slowestMs: number;
  slowest?: { sql: string; params: unknown[] };
}
const tallies = new Map<string, Tally>();
const totals = { statements: 0, rowsReturned: 0, rowsAffected: 0, ms: 0 };
const normalize = (text: string): string => text.replace(/\s+/g, ' ').trim();

type QueryFn = (this: pg.Client, ...args: unknown[]) => unknown;
const originalQuery = pg.Client.prototype.query as unknown as QueryFn;
(pg.Client.prototype as unknown as { query: QueryFn }).query = function (this: pg.Client, ...args: unknown[]): unknown {
  const first = args[0];
  const text = typeof first === 'string' ? first : typeof first === 'object' && first && 'text' in first ? String((first as { text: unknown }).text) : undefined;
  const started = performance.now();
  const out = originalQuery.apply(this, args);
  if (text === undefined || !(out instanceof Promise)) return out;
  return out.then((res: unknown) => {
    const ms = performance.now() - started;
    const results = (Array.isArray(res) ? res : [res]) as pg.QueryResult[];
    let rows = 0;
    let affected = 0;
    for (const r of results) {
      rows += r?.rows?.length ?? 0;
      if (r && ['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY'].includes(r.command)) affected += r.rowCount ?? 0;
    }
    totals.statements++;
    totals.rowsReturned += rows;
    totals.rowsAffected += affected;
    totals.ms += ms;
    const key = normalize(text).slice(0, 160);
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = { calls: 0, rows: 0, affected: 0, ms: 0, slowestMs: -1 }));
    t.calls++;
    t.rows += rows;
    t.affected += affected;
    t.ms += ms;
    if (ms > t.slowestMs) {
      t.slowestMs = ms;
      // Kept only when asked for: parameters of a chunk can be large.
      if (input.captureSqlFile) t.slowest = { sql: text, params: (Array.isArray(args[1]) ? args[1] : []) as unknown[] };
    }
    return res;
  });
};

// ---------------------------------------------------------------------------------------
// Time spent per apply step and per target, from the reconciler's own log records.

const stepSeconds: Record<string, number> = {};
/** Milliseconds per stage of the target syncs (applySync's debug record), summed over targets. */
const syncStages: Record<string, number> = {};
/** Warnings and errors the reconciler logged (a target it could not observe, say), first few. */
const warnings: string[] = [];
const logSink = {
  write(line: string): void {
    const rec = JSON.parse(line) as { level?: number; msg?: string; step?: string; execution_time?: number; target?: string; err?: unknown; stages_ms?: Record<string, number> };
    if (rec.msg === 'target sync stages' && rec.stages_ms) {
      for (const [k, v] of Object.entries(rec.stages_ms)) syncStages[k] = (syncStages[k] ?? 0) + v;
      return;
    }
    if ((rec.level ?? 0) >= 40 && warnings.length < 20) {
      warnings.push(`${rec.msg ?? ''}${rec.target ? ` [target ${rec.target}]` : ''}${rec.err ? `: ${String(rec.err).slice(0, 300)}` : ''}`);
    }
    if (rec.msg?.endsWith(' batch') && rec.step && typeof rec.execution_time === 'number') {
      stepSeconds[rec.step] = (stepSeconds[rec.step] ?? 0) + rec.execution_time;
    } else if (rec.msg === 'target synced' && typeof rec.execution_time === 'number') {
      stepSeconds[`sync:${rec.target}`] = (stepSeconds[`sync:${rec.target}`] ?? 0) + rec.execution_time;
    }
  },
};
// debug for the sync's stage times; the other debug records are few.
const logger = pino({ level: 'debug' }, logSink);

// ---------------------------------------------------------------------------------------
// Where the memory is: peaks of V8's heap and of buffers outside it, sampled every 250 ms.

const memoryPeaks = { heapTotalMB: 0, heapUsedMB: 0, externalMB: 0, arrayBuffersMB: 0 };
const sampleMemory = (): void => {
  const m = process.memoryUsage();
  memoryPeaks.heapTotalMB = Math.max(memoryPeaks.heapTotalMB, m.heapTotal / 2 ** 20);
  memoryPeaks.heapUsedMB = Math.max(memoryPeaks.heapUsedMB, m.heapUsed / 2 ** 20);
  memoryPeaks.externalMB = Math.max(memoryPeaks.externalMB, m.external / 2 ** 20);
  memoryPeaks.arrayBuffersMB = Math.max(memoryPeaks.arrayBuffersMB, m.arrayBuffers / 2 ** 20);
};
setInterval(sampleMemory, 250).unref();
const memory = () => {
  sampleMemory();
  return Object.fromEntries(Object.entries(memoryPeaks).map(([k, v]) => [k, round(v, 1)])) as typeof memoryPeaks;
};

// ---------------------------------------------------------------------------------------

async function main(): Promise<ChildResult> {
  const built = buildDesiredState([{ file: 'bench.yaml', text: input.specText }]);
  const errors = built.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(`bench spec invalid: ${errors.map((e) => e.message).join('; ')}`);
  const state = built.state;

  const drivers = new Map<string, SyncTargetDriver>();
  const counted = new Map<string, LoadTesterTarget>();
  for (const t of state.targets) {
    if (t.type !== 'loadtester') throw new Error('the bench only drives loadtester targets');
    const driver = new LoadTesterTarget(t);
    drivers.set(t.name, driver);
    counted.set(t.name, driver);
  }

  const openStarted = performance.now();
  const database = await openDatabase({ url: input.databaseUrl, poolSize: input.poolSize ?? 4 });
  const openMs = performance.now() - openStarted;
  // Migrations and connection checks are not the reconcile's work.
  totals.statements = totals.rowsReturned = totals.rowsAffected = totals.ms = 0;
  tallies.clear();

  let planMs = 0;
  const started = performance.now();
  try {
    if (input.baselineOnly) {
      // What every reconcile costs before it touches a row: runtime, modules, one scrypt.
      await hashPassword('baseline');
      return {
        label: input.label,
        outcome: 'baseline',
        summary: { create: 0, update: 0, delete: 0, syncUpsert: 0, syncDelete: 0, conflicts: 0 },
        applied: { created: 0, updated: 0, deleted: 0, lateConflicts: 0 },
        syncErrors: [],
        unreachable: [],
        warnings,
        timings: { processMs: round(performance.now() - processStarted), openDatabaseMs: round(openMs), reconcileMs: 0, observeAndPlanMs: 0, applyAndSyncMs: 0, stepSeconds: {} },
        db: { statements: 0, rowsReturned: 0, rowsAffected: 0, clientMs: 0, top: [] },
        target: { requests: 0, bytesSent: 0, bytesReceived: 0, recordsUpserted: 0, recordsDeleted: 0, recordsListed: 0 },
        maxRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
        memory: memory(),
      };
    }
    const result = await reconcile(database, {
      state,
      dryRun: false,
      trigger: 'cli',
      env: input.env,
      logger,
      planOptions: { maxDeletePercent: 50, allowMassDelete: input.allowMassDelete },
      drivers,
      onPlan: () => {
        planMs = performance.now() - started;
      },
    });
    const reconcileMs = performance.now() - started;
    const target: TransferStats = { requests: 0, bytesSent: 0, bytesReceived: 0, recordsUpserted: 0, recordsDeleted: 0, recordsListed: 0 };
    for (const d of counted.values()) for (const k of Object.keys(target) as (keyof TransferStats)[]) target[k] += d.stats[k];

    const stages = { ...syncStages };
    for (const d of counted.values()) for (const [k, v] of Object.entries(d.stageMs)) stages[k] = (stages[k] ?? 0) + v;
    const statements: StatementStats[] = [...tallies.entries()]
      .map(([sql, t]) => ({ sql, calls: t.calls, rows: t.rows, affected: t.affected, ms: round(t.ms), slowestMs: round(t.slowestMs) }))
      .sort((a, b) => b.ms - a.ms);
    if (input.captureSqlFile) {
      for (const t of [...tallies.values()].sort((a, b) => b.ms - a.ms)) {
        if (t.slowest) appendFileSync(input.captureSqlFile, `${JSON.stringify({ label: input.label, ms: round(t.ms), calls: t.calls, ...t.slowest })}\n`);
      }
    }
    return {
      label: input.label,
      outcome: result.outcome,
      summary: result.plan.summary,
      applied: result.applied ?? { created: 0, updated: 0, deleted: 0, lateConflicts: 0 },
      syncErrors: result.sync.filter((s) => s.error).map((s) => `${s.target}: ${s.error}`),
      unreachable: result.plan.targets.filter((t) => t.unreachable).map((t) => `${t.name}: ${t.unreachable}`),
      warnings,
      timings: {
        processMs: round(performance.now() - processStarted),
        openDatabaseMs: round(openMs),
        reconcileMs: round(reconcileMs),
        observeAndPlanMs: round(planMs),
        applyAndSyncMs: round(reconcileMs - planMs),
        stepSeconds: Object.fromEntries(Object.entries(stepSeconds).map(([k, v]) => [k, round(v, 3)])),
      },
      db: { statements: totals.statements, rowsReturned: totals.rowsReturned, rowsAffected: totals.rowsAffected, clientMs: round(totals.ms), top: statements.slice(0, 8) },
      target,
      stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v)])),
      maxRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
      cpuMs: round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
      memory: memory(),
    };
  } finally {
    await database.close();
  }
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

main().then(
  (result) => {
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  },
  (err: unknown) => {
    process.stderr.write(`reconcile child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
