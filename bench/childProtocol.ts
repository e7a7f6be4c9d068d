import type { ApplyResult } from '../src/apply/applyPlan.ts';
import type { PlanSummary } from '../src/plan/Plan.ts';
import type { TransferStats } from '../src/targets/loadtester/LoadTesterTarget.ts';

/** What bench/run.ts hands to bench/reconcileChild.ts (as a JSON file). */
export interface ChildInput {
  label: string;
  databaseUrl: string;
  /** YAML of every spec document, as a spec directory would hold it. */
  specText: string;
  /** Environment the password sources read. */
  env: Record<string, string>;
  allowMassDelete: boolean;
  poolSize?: number;
  /** Only load everything, connect and hash one password (the fixed part of every reconcile's RSS). */
  baselineOnly?: boolean;
  /** Append the slowest call of every distinct statement (SQL and parameters) here, as JSON lines. */
  captureSqlFile?: string;
}

export interface StatementStats {
  /** Normalized SQL, cut to 160 characters. */
  sql: string;
  calls: number;
  rows: number;
  affected: number;
  ms: number;
  slowestMs: number;
}

/** What the child prints (one line `RESULT <json>`). */
export interface ChildResult {
  label: string;
  outcome: string;
  summary: PlanSummary;
  applied: ApplyResult;
  syncErrors: string[];
  /** Targets observation could not reach: the plan then repairs nothing there. */
  unreachable: string[];
  /** Warning and error messages the reconciler logged (at most 20). */
  warnings: string[];
  timings: {
    processMs: number;
    openDatabaseMs: number;
    /** The reconcile() call: resolve, observe, plan, apply, sync. */
    reconcileMs: number;
    observeAndPlanMs: number;
    applyAndSyncMs: number;
    /** Seconds per apply step (create/update/delete batches) and per target sync, from the log records. */
    stepSeconds: Record<string, number>;
  };
  db: { statements: number; rowsReturned: number; rowsAffected: number; clientMs: number; top: StatementStats[] };
  target: TransferStats;
  /**
   * Milliseconds per stage of the target syncs, summed over chunks and requests (so over
   * concurrent ones too): the reconciler's `upsert.read` / `upsert.send` / `upsert.mark`
   * (and `delete.*`), the driver's `client.encode` / `client.http`, and the Load Tester's
   * `server.*` as its Server-Timing headers reported them.
   */
  stages?: Record<string, number>;
  maxRssMB: number;
  /** CPU time of the whole child process (user + system). */
  cpuMs?: number;
  /** Peaks sampled every 250 ms: V8 heap (total, used) and memory outside it (external, of which ArrayBuffers). */
  memory: { heapTotalMB: number; heapUsedMB: number; externalMB: number; arrayBuffersMB: number };
}
