import { sql } from 'kysely';
import type { SyncTargetSpec } from '../spec/DesiredState.ts';
import type { Db } from './openDatabase.ts';

export interface TargetStatus {
  fingerprint?: string;
  inSync?: boolean;
  held?: number;
  lastStats?: Record<string, number>;
}

export async function readTargetStatus(db: Db, name: string): Promise<TargetStatus> {
  const row = await db.selectFrom('bulk_targets').select('status').where('name', '=', name).executeTakeFirst();
  return (row?.status as TargetStatus | undefined) ?? {};
}

/** Outcome of one sync of a target: success clears the last error, failure keeps the last success time. */
export async function recordTargetRun(db: Db, spec: SyncTargetSpec, outcome: { error?: string; status?: TargetStatus }): Promise<void> {
  const { origin: _origin, ...stored } = spec;
  const status = JSON.stringify(outcome.status ?? {});
  await sql`
    INSERT INTO bulk_targets (name, type, spec, last_run_at, last_success_at, last_error, status)
    VALUES (${spec.name}, ${spec.type}, ${JSON.stringify(stored)}::jsonb, now(),
            ${outcome.error ? null : sql`now()`}, ${outcome.error ?? null}, ${status}::jsonb)
    ON CONFLICT (name) DO UPDATE SET
      type = excluded.type, spec = excluded.spec, last_run_at = now(),
      last_success_at = CASE WHEN ${outcome.error ?? null}::text IS NULL THEN now() ELSE bulk_targets.last_success_at END,
      last_error = excluded.last_error,
      status = bulk_targets.status || excluded.status`.execute(db);
}
