import { sql } from 'kysely';
import type { LastError, PopulationStatus, StatusCondition, TargetSyncStatus } from './PopulationStatus.ts';
import type { Db } from './openDatabase.ts';

/** Every stored population status (or one), by name. One small table: a row per population. */
export async function readPopulationStatuses(db: Db, names?: readonly string[]): Promise<Map<string, PopulationStatus>> {
  let q = db.selectFrom('bulk_population_status').selectAll().orderBy('name');
  if (names) {
    if (names.length === 0) return new Map();
    q = q.where('name', 'in', [...names]);
  }
  const rows = await q.execute();
  return new Map(
    rows.map((r) => [
      r.name,
      {
        name: r.name,
        phase: r.phase,
        desiredCount: r.desired_count === null ? null : Number(r.desired_count),
        declaredCount: r.declared_count === null ? null : Number(r.declared_count),
        actualCount: Number(r.actual_count),
        conflicts: Number(r.conflicts),
        generation: r.generation,
        observedGeneration: r.observed_generation,
        targets: (r.targets ?? []) as TargetSyncStatus[],
        conditions: (r.conditions ?? []) as StatusCondition[],
        lastError: (r.last_error ?? null) as LastError | null,
        lastRunId: r.last_run_id === null ? null : String(r.last_run_id),
        updatedAt: r.updated_at.toISOString(),
      },
    ]),
  );
}

export async function writePopulationStatus(db: Db, s: PopulationStatus): Promise<void> {
  const row = {
    phase: s.phase,
    desired_count: s.desiredCount,
    declared_count: s.declaredCount,
    actual_count: s.actualCount,
    conflicts: s.conflicts,
    generation: s.generation,
    observed_generation: s.observedGeneration,
    targets: JSON.stringify(s.targets),
    conditions: JSON.stringify(s.conditions),
    last_error: s.lastError ? JSON.stringify(s.lastError) : null,
    last_run_id: s.lastRunId === null ? null : Number(s.lastRunId),
    updated_at: new Date(s.updatedAt),
  };
  await db
    .insertInto('bulk_population_status')
    .values({ name: s.name, ...row })
    .onConflict((oc) => oc.column('name').doUpdateSet(row))
    .execute();
}

/** Drops the status of populations that are gone: no record left and no spec wanting them. */
export async function deleteStaleStatuses(db: Db, wanted: readonly string[]): Promise<void> {
  await sql`
    DELETE FROM bulk_population_status s
    WHERE NOT EXISTS (SELECT 1 FROM bulk_populations p WHERE p.name = s.name)
      AND NOT (s.name = ANY(${[...wanted]}::text[]))`.execute(db);
}
