import type { Db } from '../db/openDatabase.ts';
import type { PlanSummary } from '../plan/Plan.ts';

export type RunTrigger = 'cli' | 'api' | 'schedule' | 'watch';

/** Opens an audit record of an applying run (under the reconcile lock); the returned function closes it. */
export async function startRun(db: Db, trigger: RunTrigger, actor?: string): Promise<{ id: string; finish: (outcome: string, summary: PlanSummary | null, error?: string) => Promise<string> }> {
  const started = Date.now();
  // Callers hold the reconcile lock, so a run still marked running was killed.
  await db.updateTable('bulk_reconcile_runs').set({ outcome: 'interrupted', finished_at: new Date() }).where('outcome', '=', 'running').execute();
  const row = await db
    .insertInto('bulk_reconcile_runs')
    .values({ trigger, dry_run: false, outcome: 'running', summary: null, error: null, finished_at: null, execution_ms: null, actor: actor ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const finish = async (outcome: string, summary: PlanSummary | null, error?: string): Promise<string> => {
    await db
      .updateTable('bulk_reconcile_runs')
      .set({ outcome, summary: summary ? JSON.stringify(summary) : null, error: error ?? null, finished_at: new Date(), execution_ms: Date.now() - started })
      .where('id', '=', row.id)
      .execute();
    return String(row.id);
  };
  return { id: String(row.id), finish };
}
