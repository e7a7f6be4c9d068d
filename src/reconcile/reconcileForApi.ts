import type { OpenDatabase } from '../db/openDatabase.ts';
import type { Logger } from '../log/logger.ts';
import { planOptionsFor } from '../plan/planReconcile.ts';
import type { DesiredState } from '../spec/DesiredState.ts';
import { reconcile, type ReconcileOptions, type ReconcileResult } from './reconcile.ts';

/** What an HTTP request brings to a reconcile: who asked, and the server's settings. */
export interface ApiRunContext {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  signal?: AbortSignal;
  actor?: string;
  lockTimeoutMs?: number;
  baseDir?: string;
  drivers?: ReconcileOptions['drivers'];
  now?: Date;
  /** Apply progress (the admin page's progress bar). */
  onProgress?: ReconcileOptions['onProgress'];
  /** Asked before deleting: the admin page checks the plan still deletes no more than the operator confirmed. */
  confirm?: ReconcileOptions['confirm'];
}

/**
 * The reconcile an API request triggers: the whole desired state, applied as `--yes`
 * would (no one to ask), under the mass-delete guard of the ReconcilerConfig spec.
 */
export function reconcileForApi(
  database: OpenDatabase,
  state: DesiredState,
  ctx: ApiRunContext,
  extra: { allowMassDelete?: boolean; onlyTargets?: readonly string[] } = {},
): Promise<ReconcileResult> {
  return reconcile(database, {
    state,
    dryRun: false,
    trigger: 'api',
    planOptions: planOptionsFor(state, { allowMassDelete: extra.allowMassDelete }),
    ...(extra.onlyTargets ? { onlyTargets: extra.onlyTargets } : {}),
    ...(ctx.lockTimeoutMs !== undefined ? { lockTimeoutMs: ctx.lockTimeoutMs } : {}),
    ...(ctx.logger ? { logger: ctx.logger } : {}),
    ...(ctx.env ? { env: ctx.env } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.actor ? { actor: ctx.actor } : {}),
    ...(ctx.baseDir ? { baseDir: ctx.baseDir } : {}),
    ...(ctx.drivers ? { drivers: ctx.drivers } : {}),
    ...(ctx.now ? { now: ctx.now } : {}),
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    ...(ctx.confirm ? { confirm: ctx.confirm } : {}),
  });
}
