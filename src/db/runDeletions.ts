import type { Db } from './openDatabase.ts';

export interface RunDeletion {
  runId: number;
  /** Why: scale-down, spec-removed, replace, expired, orphaned, unmanaged-test. */
  rule: string;
  population: string | null;
  count: number;
  actor: string | null;
}

/** What the given runs deleted, from the audit records every deletion writes; oldest first. */
export async function listRunDeletions(db: Db, runIds: readonly number[]): Promise<RunDeletion[]> {
  if (runIds.length === 0) return [];
  const rows = await db.selectFrom('bulk_audit').select(['run_id', 'rule', 'population', 'count', 'actor']).where('run_id', 'in', runIds.map(String)).orderBy('id').execute();
  return rows.map((r) => ({ runId: Number(r.run_id), rule: r.rule, population: r.population, count: Number(r.count), actor: r.actor }));
}
