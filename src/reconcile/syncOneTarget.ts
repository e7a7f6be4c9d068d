import { reconcileForApi } from './reconcileForApi.ts';
import type { SyncResult } from '../apply/applySync.ts';
import type { OpenDatabase } from '../db/openDatabase.ts';
import { silentLogger, type Logger } from '../log/logger.ts';
import { operationLogger } from '../log/operationLogger.ts';
import type { TargetPlan } from '../plan/Plan.ts';
import { didYouMean } from '../spec/didYouMean.ts';
import { NotFoundError } from './apiErrors.ts';
import { loadDesiredState } from './loadDesiredState.ts';
import type { ReconcileOptions, ReconcileResult } from './reconcile.ts';

export interface SyncOneTargetResult {
  target: string;
  outcome: ReconcileResult['outcome'];
  /** What the plan had for this target (absent: nothing to do). */
  planned?: TargetPlan;
  /** What the sync did (absent: nothing to do). */
  synced?: SyncResult;
  executionTime: number;
}

/**
 * POST /api/bulk-users/sync: a reconcile of the whole desired state (`--yes`) whose sync
 * step is limited to one target. The desired populations are never filtered: leaving one
 * out would delete its records from the target.
 */
export async function syncOneTarget(
  database: OpenDatabase,
  opts: { target: string; specsDir: string; secretKey: Buffer; env?: NodeJS.ProcessEnv; logger?: Logger; signal?: AbortSignal; actor?: string; lockTimeoutMs?: number; baseDir?: string; drivers?: ReconcileOptions['drivers'] },
): Promise<SyncOneTargetResult> {
  const desired = await loadDesiredState({ db: database.db, specsDir: opts.specsDir, secretKey: opts.secretKey, ...(opts.env ? { env: opts.env } : {}) });
  const known = desired.state.targets.map((t) => t.name);
  if (!known.includes(opts.target)) {
    const guess = didYouMean(opts.target, known);
    throw new NotFoundError(`no sync target "${opts.target}"` + (guess ? `; did you mean "${guess}"?` : known.length ? `; targets: ${known.join(', ')}` : '; no SyncTarget is defined'));
  }
  const logger = operationLogger(opts.logger ?? silentLogger, 'sync');
  const result = await reconcileForApi(database, desired.state, { ...opts, logger }, { onlyTargets: [opts.target] });
  const planned = result.plan.targets.find((t) => t.name === opts.target);
  const synced = result.sync.find((s) => s.target === opts.target);
  logger.info({ target: opts.target, outcome: result.outcome, upserted: synced?.upserted ?? 0, deleted: synced?.deleted ?? 0, error: synced?.error, execution_time: result.executionTime }, 'sync finished');
  return { target: opts.target, outcome: result.outcome, ...(planned ? { planned } : {}), ...(synced ? { synced } : {}), executionTime: result.executionTime };
}
