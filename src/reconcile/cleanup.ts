import { applyPlan, type ApplyProgress } from '../apply/applyPlan.ts';
import { deleteUnmanagedTestUsers } from '../apply/deleteUnmanagedTestUsers.ts';
import type { SyncResult } from '../apply/applySync.ts';
import { acquireAdvisoryLock } from '../db/advisoryLock.ts';
import { observeAggregates } from '../db/observe.ts';
import type { OpenDatabase } from '../db/openDatabase.ts';
import { recordUserStore, userStoreFor } from '../db/userStore/userStoreFor.ts';
import { silentLogger, type Logger } from '../log/logger.ts';
import { blockingDependents, type Plan, type TargetPlan } from '../plan/Plan.ts';
import { operationLogger } from '../log/operationLogger.ts';
import { memoryBudget, watchMemory } from '../log/watchMemory.ts';
import { planCleanup, type CleanupCandidate, type CleanupSelection } from '../plan/planCleanup.ts';
import { DEFAULT_PLAN_OPTIONS, retainedPopulations, type PlanOptions } from '../plan/planReconcile.ts';
import { DEFAULT_RECONCILER_CONFIG, type DesiredState } from '../spec/DesiredState.ts';
import type { SyncTargetDriver } from '../targets/SyncTargetDriver.ts';
import { DependentRowsError, MassDeleteRefusedError } from './errors.ts';
import { withDependents } from './withDependents.ts';
import { identify } from './identify.ts';
import { buildDrivers, defaultActor, runSyncJobs } from './reconcile.ts';
import { syncPlaintexts } from './resolveDesired.ts';
import { startRun, type RunTrigger } from './runs.ts';

export interface CleanupOptions {
  state: DesiredState;
  selection: CleanupSelection;
  dryRun: boolean;
  planOptions?: PlanOptions;
  confirm?: (plan: Plan) => Promise<boolean>;
  trigger?: RunTrigger;
  actor?: string;
  now?: Date;
  lockTimeoutMs?: number;
  logger?: Logger;
  drivers?: ReadonlyMap<string, SyncTargetDriver>;
  baseDir?: string;
  /** Where sync targets read their URL and token variables (default process.env). */
  env?: NodeJS.ProcessEnv;
  onProgress?: (p: ApplyProgress) => void;
}

export interface CleanupResult {
  plan: Plan;
  candidates: CleanupCandidate[];
  outcome: 'planned' | 'nothing-to-do' | 'applied' | 'partial' | 'cancelled';
  deleted: number;
  sync: SyncResult[];
  runId?: string;
}

/**
 * Deletes cleanup candidates only (expired, orphaned, and with strictMode off unmanaged
 * test rows), from the database and from targets, through the same apply path and guard
 * as reconcile. With allowPartialCleanup off, targets delete first and the database only
 * follows where every target confirmed, so the two are never left out of step.
 */
export async function cleanup(database: OpenDatabase, opts: CleanupOptions): Promise<CleanupResult> {
  const started = Date.now();
  const logger = operationLogger(opts.logger ?? silentLogger, 'cleanup');
  const config = opts.state.config ?? DEFAULT_RECONCILER_CONFIG;
  const { db } = database;
  const store = userStoreFor(opts.state.config);
  const stopWatchingMemory = watchMemory(logger, memoryBudget());
  let lock: Awaited<ReturnType<typeof acquireAdvisoryLock>> | undefined;
  try {
    lock = opts.dryRun ? undefined : await acquireAdvisoryLock(database.url, { timeoutMs: opts.lockTimeoutMs ?? 30_000 });
    // identify checks the store against the database first.
    const report = await identify(db, opts.state, opts.now);
    const { populations, productionUsers } = await observeAggregates(db, store, []);
    const planned = planCleanup(report.classes, populations, productionUsers, opts.selection, config, opts.planOptions ?? DEFAULT_PLAN_OPTIONS);
    const plan = await withDependents(db, store, planned.plan);
    const base = { plan, candidates: planned.candidates, deleted: 0, sync: [] as SyncResult[] };
    if (opts.dryRun) return { ...base, outcome: 'planned' };
    if (!plan.hasChanges) return { ...base, outcome: 'nothing-to-do' };
    if (plan.guard.refused) throw new MassDeleteRefusedError(plan.guard.message!);
    const blocking = blockingDependents(plan.dependents);
    if (blocking.length > 0) throw new DependentRowsError(blocking);

    const { id: runId, finish } = await startRun(db, opts.trigger ?? 'cli');
    try {
      if (opts.confirm && !(await opts.confirm(plan))) {
        await finish('cancelled', plan.summary);
        return { ...base, outcome: 'cancelled', runId };
      }
      const drivers = opts.drivers ?? buildDrivers(opts.state, opts.baseDir, logger, opts.env);
      const cleaned = new Set(plan.populations.map((p) => p.name));
      const frozen = retainedPopulations(opts.state.populations.map((p) => p.name), populations);
      // Deletes only: no upserts are planned, so a job sends nothing but deletes.
      const targetPlans: TargetPlan[] = opts.state.targets.map((t) => ({ name: t.name, type: t.type, upsert: 0, delete: 1, drift: 0, populations: [] }));
      // A file target is rewritten whole, so it needs the credentials of the populations it keeps.
      const passwords = syncPlaintexts(opts.state.populations, opts.env ?? process.env);
      const syncDeletes = () => runSyncJobs(database, opts.state, targetPlans, drivers, { passwords, logger, frozen, exclude: cleaned });

      let sync: SyncResult[] = [];
      if (!config.allowPartialCleanup) {
        sync = await syncDeletes();
        const failed = sync.filter((s) => s.error);
        if (failed.length) {
          const message = `nothing deleted from the database: ${failed.map((f) => f.error).join('; ')} (allowPartialCleanup: false keeps the database and targets in step)`;
          await finish('partial', plan.summary, message);
          logger.warn({ run: runId, message }, 'cleanup stopped before the database');
          return { ...base, outcome: 'partial', sync, runId };
        }
      }
      await recordUserStore(db, store);
      const audit = { runId, actor: opts.actor ?? defaultActor(), trigger: opts.trigger ?? 'cli' };
      const applied = await applyPlan(db, plan, { store, passwordHashes: new Map(), logger, audit, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
      let deleted = applied.deleted;
      if (planned.unmanaged > 0) {
        const n = await deleteUnmanagedTestUsers(db, store, 1000);
        deleted += n;
        await db.insertInto('bulk_audit').values({ run_id: runId, actor: audit.actor, trigger: audit.trigger, rule: 'unmanaged-test', population: null, count: n }).execute();
      }
      if (config.allowPartialCleanup) sync = await syncDeletes();
      const outcome = sync.some((s) => s.error) ? 'partial' : 'applied';
      await finish(outcome === 'partial' ? 'partial' : 'succeeded', plan.summary, sync.filter((s) => s.error).map((s) => s.error).join('; ') || undefined);
      logger.info({ run: runId, deleted, selection: opts.selection, execution_time: (Date.now() - started) / 1000 }, 'cleanup applied');
      return { ...base, outcome, deleted, sync, runId };
    } catch (err) {
      await finish('failed', plan.summary, err instanceof Error ? err.message : String(err)).catch(() => {});
      logger.error({ run: runId, err: err instanceof Error ? err.message : String(err), execution_time: (Date.now() - started) / 1000 }, 'cleanup did not complete');
      throw err;
    }
  } finally {
    stopWatchingMemory();
    await lock?.release();
  }
}
