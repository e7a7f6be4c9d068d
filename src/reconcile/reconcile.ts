import { applyPlan, type ApplyProgress, type ApplyResult } from '../apply/applyPlan.ts';
import { acquireAdvisoryLock } from '../db/advisoryLock.ts';
import type { OpenDatabase } from '../db/openDatabase.ts';
import { silentLogger, type Logger } from '../log/logger.ts';
import type { Plan } from '../plan/Plan.ts';
import { DEFAULT_PLAN_OPTIONS, planReconcile, type PlanOptions } from '../plan/planReconcile.ts';
import type { DesiredState } from '../spec/DesiredState.ts';
import { ConfirmationRequiredError, MassDeleteRefusedError, PasswordUnavailableError } from './errors.ts';
import { observeState } from './observeState.ts';
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
}

export interface ReconcileResult {
  plan: Plan;
  outcome: 'planned' | 'no-changes' | 'applied' | 'cancelled';
  applied?: ApplyResult;
  runId?: string;
  executionTime: number;
}

/**
 * observe -> plan -> apply. Dry runs take no lock and write nothing. Applying runs hold the
 * advisory lock from observation to the last batch, so the plan they apply is the plan
 * they computed.
 */
export async function reconcile(database: OpenDatabase, opts: ReconcileOptions): Promise<ReconcileResult> {
  const started = Date.now();
  const logger = opts.logger ?? silentLogger;
  const env = opts.env ?? process.env;
  const { db } = database;
  const lock = opts.dryRun ? undefined : await acquireAdvisoryLock(database.url, { timeoutMs: opts.lockTimeoutMs ?? 30_000 });
  try {
    const resolved = await resolveDesired(db, opts.state.populations, 'file', env);
    const observed = await observeState(db, resolved.populations);
    const plan = planReconcile(resolved.populations, observed, opts.planOptions ?? DEFAULT_PLAN_OPTIONS);
    opts.onPlan?.(plan);
    const elapsed = (): number => (Date.now() - started) / 1000;

    if (opts.dryRun) {
      logger.info({ summary: plan.summary, dry_run: true, execution_time: elapsed() }, 'reconcile planned');
      return { plan, outcome: 'planned', executionTime: elapsed() };
    }
    if (!plan.hasChanges) {
      logger.info({ summary: plan.summary, execution_time: elapsed() }, 'reconcile: no changes');
      return { plan, outcome: 'no-changes', executionTime: elapsed() };
    }

    const finish = await startRun(db, opts.trigger ?? 'cli');
    try {
      if (plan.guard.refused) throw new MassDeleteRefusedError(plan.guard.message!);
      if (resolved.unresolved.length > 0) throw new PasswordUnavailableError(resolved.unresolved);
      if (plan.summary.delete > 0 && opts.confirm && !(await opts.confirm(plan))) {
        const runId = await finish('cancelled', plan.summary);
        logger.warn({ summary: plan.summary, execution_time: elapsed() }, 'reconcile cancelled at confirmation');
        return { plan, outcome: 'cancelled', runId, executionTime: elapsed() };
      }
      const applied = await applyPlan(db, plan, {
        passwordHashes: resolved.passwordHashes,
        logger,
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const runId = await finish('succeeded', plan.summary);
      logger.info({ run: runId, summary: plan.summary, applied, execution_time: elapsed() }, 'reconcile applied');
      return { plan, outcome: 'applied', applied, runId, executionTime: elapsed() };
    } catch (err) {
      const outcome = err instanceof MassDeleteRefusedError || err instanceof PasswordUnavailableError || err instanceof ConfirmationRequiredError ? 'refused' : 'failed';
      await finish(outcome, plan.summary, err instanceof Error ? err.message : String(err)).catch(() => {});
      logger.error({ err: err instanceof Error ? err.message : String(err), outcome, execution_time: elapsed() }, 'reconcile did not complete');
      throw err;
    }
  } finally {
    await lock?.release();
  }
}
