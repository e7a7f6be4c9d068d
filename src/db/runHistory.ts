import type { PlanSummary } from '../plan/Plan.ts';
import type { Db } from './openDatabase.ts';

export interface RunRecord {
  id: number;
  trigger: string;
  actor: string | null;
  outcome: string;
  startedAt: Date;
  finishedAt: Date | null;
  executionMs: number | null;
  summary: PlanSummary | null;
  error: string | null;
}

/** The most recent applying runs, newest first (no-op runs leave no record). */
export async function listRuns(db: Db, opts: { limit: number; trigger?: string; beforeId?: number }): Promise<RunRecord[]> {
  let q = db
    .selectFrom('bulk_reconcile_runs')
    .select(['id', 'trigger', 'actor', 'outcome', 'started_at', 'finished_at', 'execution_ms', 'summary', 'error'])
    .where('dry_run', '=', false)
    .orderBy('id', 'desc')
    .limit(opts.limit);
  if (opts.trigger) q = q.where('trigger', '=', opts.trigger);
  if (opts.beforeId !== undefined) q = q.where('id', '<', String(opts.beforeId));
  return (await q.execute()).map((r) => ({
    id: Number(r.id),
    trigger: r.trigger,
    actor: r.actor,
    outcome: r.outcome,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    executionMs: r.execution_ms,
    summary: (r.summary ?? null) as PlanSummary | null,
    error: r.error,
  }));
}

/** The newest applying run that succeeded, if any. */
export async function lastSuccessfulRun(db: Db): Promise<RunRecord | undefined> {
  const row = await db
    .selectFrom('bulk_reconcile_runs')
    .select('id')
    .where('dry_run', '=', false)
    .where('outcome', '=', 'succeeded')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? (await listRuns(db, { limit: 1, beforeId: Number(row.id) + 1 }))[0] : undefined;
}
