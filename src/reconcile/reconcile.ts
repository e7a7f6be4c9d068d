import os from 'node:os';
import { applyPlan, type ApplyProgress, type ApplyResult } from '../apply/applyPlan.ts';
import { applySync, type SyncResult } from '../apply/applySync.ts';
import { emailSuffixFor } from '../spec/usernamePattern.ts';
import { acquireAdvisoryLock } from '../db/advisoryLock.ts';
import type { OpenDatabase } from '../db/openDatabase.ts';
import { recordUserStore, userStoreFor } from '../db/userStore/userStoreFor.ts';
import { suspendSyncSummary } from '../db/syncQueries.ts';
import { silentLogger, type Logger } from '../log/logger.ts';
import { blockingDependents, type Plan, type TargetPlan } from '../plan/Plan.ts';
import { operationLogger } from '../log/operationLogger.ts';
import { memoryBudget, watchMemory } from '../log/watchMemory.ts';
import { DEFAULT_PLAN_OPTIONS, planReconcile, retainedPopulations, type PlanOptions } from '../plan/planReconcile.ts';
import { DEFAULT_RECONCILER_CONFIG, type DesiredState } from '../spec/DesiredState.ts';
import { createTargetDriver } from '../targets/createTargetDriver.ts';
import { fileTargetDirectory } from '../targets/file/fileTargetDirectory.ts';
import type { SyncTargetDriver } from '../targets/SyncTargetDriver.ts';
import type { SpecProblem } from '../spec/SpecProblem.ts';
import { DependentRowsError, isRefusal, MassDeleteRefusedError, PasswordUnavailableError } from './errors.ts';
import { withDependents } from './withDependents.ts';
import { observeState } from './observeState.ts';
import { emitReconcileEvent } from './reconcileEvents.ts';
import { observeSync } from './observeSync.ts';
import { recordPopulationStatus } from './recordPopulationStatus.ts';
import { resolveDesired } from './resolveDesired.ts';
import { startRun, type RunTrigger } from './runs.ts';

export interface ReconcileOptions {
  state: DesiredState;
  dryRun: boolean;
  trigger?: RunTrigger;
  planOptions?: PlanOptions;
  /** How long to wait for another applying reconciler. */
  lockTimeoutMs?: number;
  /**
   * Asked before a plan with deletions is applied. Omitted = confirmed (the caller said
   * --yes); a caller that cannot ask passes one that throws ConfirmationRequiredError.
   */
  confirm?: (plan: Plan) => Promise<boolean>;
  onPlan?: (plan: Plan) => void;
  onProgress?: (p: ApplyProgress) => void;
  signal?: AbortSignal;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  /** The file target directory (default: the state's fileTargetDir, i.e. ReconcilerConfig fileTargetDir beside the specs). */
  baseDir?: string;
  /** Drivers to use instead of building them from the target specs (tests count traffic with them). */
  drivers?: ReadonlyMap<string, SyncTargetDriver>;
  /** The clock for leases (tests move it instead of sleeping). */
  now?: Date;
  /** Populations whose lease restarts now (`reconcile --renew NAME`). */
  renew?: ReadonlySet<string>;
  /** Who asked (audit records): an OS user, an API key name, a user. */
  actor?: string;
  /**
   * Sync only these targets this run (POST /api/bulk-users/sync). The desired state stays
   * whole, so nothing is deleted for being left out; other targets are synced next run.
   */
  onlyTargets?: readonly string[];
  /**
   * Also bring the population status up to date when the plan has no changes (the
   * controller of `serve` does, so a recovered target or fixed spec shows; the CLI does
   * not, so its no-op runs stay read-only). Applying runs always record it.
   */
  refreshStatus?: boolean;
  /** The spec files do not validate and `state` is the last valid one: the status says so (Degraded, SpecInvalid). */
  specProblems?: readonly SpecProblem[];
}

export interface ReconcileResult {
  plan: Plan;
  outcome: 'planned' | 'no-changes' | 'applied' | 'partial' | 'cancelled';
  applied?: ApplyResult;
  sync: SyncResult[];
  runId?: string;
  executionTime: number;
}

/** Thrown inside the observation transaction of a dry run to undo its drift repair. */
class RollBack extends Error {}

/**
 * observe -> plan -> apply. Dry runs take no lock and write nothing. Applying runs hold the
 * advisory lock from observation to the last batch, so the plan they apply is the plan
 * they computed. Database work always completes before targets are synced; a target that
 * fails fails alone (outcome "partial") and the next run resumes it.
 */
export async function reconcile(database: OpenDatabase, opts: ReconcileOptions): Promise<ReconcileResult> {
  if (opts.dryRun) return reconcileOnce(database, opts);
  // Reported for /metrics: every applying run, however it ends.
  const started = Date.now();
  let plan: Plan | undefined;
  const report = (outcome: string, applied?: ApplyResult): void =>
    emitReconcileEvent('run', {
      trigger: opts.trigger ?? 'cli',
      outcome,
      durationSeconds: (Date.now() - started) / 1000,
      ...(plan ? { summary: plan.summary } : {}),
      lateConflicts: applied?.lateConflicts ?? 0,
    });
  try {
    const result = await reconcileOnce(database, {
      ...opts,
      onPlan: (p) => {
        plan = p;
        opts.onPlan?.(p);
      },
    });
    report(result.outcome, result.applied);
    return result;
  } catch (err) {
    report(isRefusal(err) ? 'refused' : 'failed');
    throw err;
  }
}

async function reconcileOnce(database: OpenDatabase, opts: ReconcileOptions): Promise<ReconcileResult> {
  const started = Date.now();
  const logger = operationLogger(opts.logger ?? silentLogger, 'reconcile');
  const env = opts.env ?? process.env;
  const { db } = database;
  const store = userStoreFor(opts.state.config);
  const elapsed = (): number => (Date.now() - started) / 1000;
  const drivers = opts.drivers ?? buildDrivers(opts.state, opts.baseDir, logger, env);

  const stopWatchingMemory = watchMemory(logger, memoryBudget(env));
  let lock: Awaited<ReturnType<typeof acquireAdvisoryLock>> | undefined;
  try {
    lock = opts.dryRun ? undefined : await acquireAdvisoryLock(database.url, { timeoutMs: opts.lockTimeoutMs ?? 30_000, ...(opts.signal ? { signal: opts.signal } : {}) });
    const resolved = await resolveDesired(db, opts.state.populations, env, { passwordHash: (opts.state.config ?? DEFAULT_RECONCILER_CONFIG).passwordHash, ...(opts.now ? { now: opts.now } : {}), ...(opts.renew ? { renew: opts.renew } : {}) });
    await store.check(db, opts.state.populations);
    const observed = await observeState(db, store, resolved.populations);
    let targets: Awaited<ReturnType<typeof observeSync>> = [];
    if (opts.state.targets.length > 0) {
      try {
        await db.transaction().execute(async (trx) => {
          // Rolled back below: its repairs must not lock the summary rows a concurrent sync updates.
          if (opts.dryRun) await suspendSyncSummary(trx);
          targets = await observeSync(trx, store, opts.state.targets, drivers, resolved.populations, observed.populations, logger);
          if (opts.dryRun) throw new RollBack();
        });
      } catch (err) {
        if (!(err instanceof RollBack)) throw err;
      }
    }
    const plan = await withDependents(db, store, planReconcile(resolved.populations, { ...observed, targets }, opts.planOptions ?? DEFAULT_PLAN_OPTIONS));
    opts.onPlan?.(plan);

    if (opts.dryRun) {
      logger.info({ summary: plan.summary, dry_run: true, execution_time: elapsed() }, 'reconcile planned');
      return { plan, outcome: 'planned', sync: [], executionTime: elapsed() };
    }
    // Status is written under the lock, by the run that knows; a failure to write it never fails the run.
    const recordStatus = (extra: { sync?: SyncResult[]; error?: unknown; runId?: string }): Promise<unknown> =>
      recordPopulationStatus(db, {
        plan,
        store,
        sync: extra.sync ?? [],
        ...(extra.error !== undefined ? { error: extra.error, aborted: opts.signal?.aborted === true } : {}),
        ...(extra.runId ? { runId: extra.runId } : {}),
        ...(opts.specProblems?.length ? { specProblems: opts.specProblems } : {}),
        now: opts.now ?? new Date(),
        logger,
      }).catch((err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'population status not recorded'));
    if (!plan.hasChanges) {
      if (opts.refreshStatus) await recordStatus({});
      logger.info({ summary: plan.summary, execution_time: elapsed() }, 'reconcile: no changes');
      return { plan, outcome: 'no-changes', sync: [], executionTime: elapsed() };
    }

    const { id: runId, finish } = await startRun(db, opts.trigger ?? 'cli', opts.actor ?? defaultActor());
    try {
      if (plan.guard.refused) throw new MassDeleteRefusedError(plan.guard.message!);
      if (resolved.unresolved.length > 0) throw new PasswordUnavailableError(resolved.unresolved);
      const blocking = blockingDependents(plan.dependents);
      if (blocking.length > 0) throw new DependentRowsError(blocking);
      if (plan.summary.delete + plan.summary.syncDelete > 0 && opts.confirm && !(await opts.confirm(plan))) {
        await finish('cancelled', plan.summary);
        logger.warn({ summary: plan.summary, execution_time: elapsed() }, 'reconcile cancelled at confirmation');
        return { plan, outcome: 'cancelled', sync: [], runId, executionTime: elapsed() };
      }
      await recordUserStore(db, store);
      const applied = await applyPlan(db, plan, {
        store,
        passwordHashes: resolved.passwordHashes,
        copyPool: database.pool,
        writeStreams: (opts.state.config ?? DEFAULT_RECONCILER_CONFIG).writeStreams,
        logger,
        audit: { runId, actor: opts.actor ?? defaultActor(), trigger: opts.trigger ?? 'cli' },
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const retained = retainedPopulations(resolved.populations.map((d) => d.spec.name), observed.populations);
      const sync = await syncTargets(database, opts, plan, retained, drivers, resolved.plaintexts, logger);
      const failed = sync.filter((s) => s.error);
      const outcome = failed.length ? 'partial' : 'applied';
      await finish(outcome === 'partial' ? 'partial' : 'succeeded', plan.summary, failed.map((f) => f.error).join('; ') || undefined);
      await recordStatus({ sync, runId });
      if (outcome === 'partial') logger.error({ run: runId, summary: plan.summary, applied, sync, execution_time: elapsed() }, 'reconcile applied, but a sync target failed');
      else logger.info({ run: runId, summary: plan.summary, applied, sync, execution_time: elapsed() }, 'reconcile applied');
      return { plan, outcome, applied, sync, runId, executionTime: elapsed() };
    } catch (err) {
      const outcome = isRefusal(err) ? 'refused' : 'failed';
      await finish(outcome, plan.summary, err instanceof Error ? err.message : String(err)).catch(() => {});
      await recordStatus({ error: err, runId });
      logger.error({ err: err instanceof Error ? err.message : String(err), outcome, execution_time: elapsed() }, 'reconcile did not complete');
      throw err;
    }
  } finally {
    stopWatchingMemory();
    await lock?.release();
  }
}

export function defaultActor(): string {
  try {
    return `${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return 'unknown';
  }
}

/** Targets in parallel, each failing on its own. */
function syncTargets(
  database: OpenDatabase,
  opts: ReconcileOptions,
  plan: Plan,
  frozen: readonly string[],
  drivers: ReadonlyMap<string, SyncTargetDriver>,
  passwords: ReadonlyMap<string, string>,
  logger: Logger,
): Promise<SyncResult[]> {
  const chosen = plan.targets.filter((t) => !opts.onlyTargets || opts.onlyTargets.includes(t.name));
  // Users this run deletes may be held by targets, though the plan saw no record to delete there.
  const usersDeleted = plan.summary.delete > 0;
  return runSyncJobs(database, opts.state, chosen.filter((t) => t.upsert + t.delete + t.drift > 0 || t.unreachable), drivers, { passwords, logger, frozen, usersDeleted, ...(opts.signal ? { signal: opts.signal } : {}) });
}

/**
 * One sync job per target plan. `exclude` populations are treated as not belonging in any
 * target (cleanup deletes their records there before or after the database).
 */
export function runSyncJobs(
  database: OpenDatabase,
  state: DesiredState,
  targets: readonly TargetPlan[],
  drivers: ReadonlyMap<string, SyncTargetDriver>,
  opts: {
    passwords: ReadonlyMap<string, string>;
    logger: Logger;
    frozen: readonly string[];
    exclude?: ReadonlySet<string>;
    signal?: AbortSignal;
    /** False when the run deleted no users: a target whose plan deletes nothing is then not searched for records to delete. */
    usersDeleted?: boolean;
  },
): Promise<SyncResult[]> {
  const excluded = opts.exclude ?? new Set<string>();
  const store = userStoreFor(state.config);
  const frozen = opts.frozen.filter((f) => !excluded.has(f));
  return Promise.all(
    targets.map((t) => {
      const spec = state.targets.find((s) => s.name === t.name)!;
      const members = state.populations.filter((p) => p.syncTargets.includes(t.name) && !excluded.has(p.name));
      const populations = members.map((p) => p.name);
      const shapes = new Map(members.map((p) => [p.name, { ...p.pattern, emailSuffix: emailSuffixFor(p.pattern, p.emailDomain) }]));
      const scanForExtras = t.delete > 0 || (opts.usersDeleted ?? true);
      return applySync(database.db, { spec, driver: drivers.get(t.name)!, plan: t, populations, shapes, frozen, scanForExtras }, { store, passwords: opts.passwords, logger: opts.logger, ...(opts.signal ? { signal: opts.signal } : {}) });
    }),
  );
}

/** Drivers for every target of a desired state, logging retries. `fileTargetDir` overrides the state's. */
export function buildDrivers(state: DesiredState, fileTargetDir: string | undefined, logger: Logger, env: NodeJS.ProcessEnv = process.env): Map<string, SyncTargetDriver> {
  const baseDir = fileTargetDir ?? fileTargetDirectory(state);
  return new Map(
    state.targets.map((t) => [
      t.name,
      createTargetDriver(t, { baseDir, env, onRetry: (err, attempt) => logger.warn({ target: t.name, attempt, err: err.message }, 'target request failed; retrying') }),
    ]),
  );
}
