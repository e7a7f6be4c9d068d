import { countMembers, readPopulationRecords } from '../db/batchQueries.ts';
import { recordedUserStore } from '../db/userStore/userStoreFor.ts';
import { readPopulationStatuses } from '../db/populationStatusQueries.ts';
import { loadDesiredState } from '../reconcile/loadDesiredState.ts';
import type { PopulationSpec } from '../spec/DesiredState.ts';
import { SpecValidationError, type SpecProblem } from '../spec/SpecProblem.ts';
import { storableSpec } from '../spec/storableSpec.ts';
import type { ServerContext } from './ServerContext.ts';

/** One population as /api/bulk-users/batches shows it: desired (specs) next to actual (database). */
export interface BatchView {
  batch_id: string;
  source: 'file' | 'api';
  /** Where its spec is: a spec file, or "api" (the database). */
  origin: string;
  /** Pending (not applied yet), Active, Deleting, Orphaned (spec removed, Retain), Unknown (rows only). */
  phase: string;
  desired_count: number | null;
  actual_count: number;
  /** The database holds exactly the desired number of members. */
  in_sync: boolean;
  username_pattern: string | null;
  labels: Record<string, string>;
  conflicts: number;
  created_at: string | null;
  updated_at: string | null;
  last_applied_at: string | null;
  expires_at: string | null;
  /** Bumped on every spec change (null before the first apply). */
  generation: number | null;
  /** The generation the last complete apply brought about; behind `generation` while a change is unapplied. */
  observed_generation: number | null;
  /** Ready, Synced, Expired, Degraded as the last run saw them (empty before any run recorded a status). */
  conditions: ConditionJson[];
  /** Per sync target: InSync, Pending, Failed or Unreachable, with expected and held counts. */
  sync_targets: { target: string; state: string; expected: number; held: number; error: string | null }[];
  last_error: { reason: string; message: string; at: string; run_id: string | null } | null;
  status_updated_at: string | null;
}

export interface ConditionJson {
  type: string;
  status: string;
  reason: string;
  message: string;
  last_transition_time: string;
}

export interface BatchDetail extends BatchView {
  /** The spec as stored or shown: never a password value. */
  spec: unknown;
}

/**
 * Every population the specs want or the database holds. Spec files that do not validate
 * do not hide the database's view: their problems come back as spec_errors.
 */
export async function describeBatches(ctx: ServerContext, name?: string): Promise<{ batches: BatchDetail[]; spec_errors?: SpecProblem[] }> {
  const { db } = ctx.database;
  let desired: PopulationSpec[] = [];
  let specErrors: SpecProblem[] | undefined;
  try {
    desired = (await loadDesiredState({ db, specsDir: ctx.specsDir, env: ctx.env, secretKey: ctx.secretKey })).state.populations;
  } catch (err) {
    if (!(err instanceof SpecValidationError)) throw err;
    specErrors = err.problems.filter((p) => p.severity === 'error');
  }
  const [records, counts, statuses] = await Promise.all([readPopulationRecords(db, name), countMembers(db, await recordedUserStore(db), name), readPopulationStatuses(db, name === undefined ? undefined : [name])]);
  const byName = new Map(records.map((r) => [r.name, r]));
  const names = new Set<string>([...desired.map((d) => d.name), ...records.map((r) => r.name), ...counts.keys()]);
  const out: BatchDetail[] = [];
  for (const n of [...names].sort()) {
    if (name !== undefined && n !== name) continue;
    const d = desired.find((p) => p.name === n);
    const r = byName.get(n);
    const actual = counts.get(n)?.total ?? 0;
    const status = r?.status ?? {};
    const st = statuses.get(n);
    // Spec files that do not validate: the last valid desired count (the one a controller keeps in force) stands.
    const desiredCount = d ? d.count : specErrors && st ? st.declaredCount : null;
    out.push({
      batch_id: n,
      source: d?.source ?? r?.source ?? 'file',
      origin: d ? (d.source === 'api' ? 'api' : d.origin.file) : r ? 'database' : 'unregistered rows',
      phase: r?.phase ?? (d ? 'Pending' : 'Unknown'),
      desired_count: desiredCount,
      actual_count: actual,
      in_sync: desiredCount !== null ? actual === desiredCount : actual === 0,
      username_pattern: d?.usernamePattern ?? r?.usernamePattern ?? null,
      labels: d?.labels ?? {},
      conflicts: typeof status.conflicts === 'number' ? status.conflicts : 0,
      created_at: r?.createdAt.toISOString() ?? null,
      updated_at: (counts.get(n)?.lastUpdatedAt ?? r?.updatedAt)?.toISOString() ?? null,
      last_applied_at: typeof status.lastAppliedAt === 'string' ? status.lastAppliedAt : null,
      expires_at: r?.expiresAt?.toISOString() ?? null,
      generation: st?.generation ?? r?.generation ?? null,
      observed_generation: st?.observedGeneration ?? r?.observedGeneration ?? null,
      conditions: (st?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message, last_transition_time: c.lastTransitionTime })),
      sync_targets: (st?.targets ?? []).map((t) => ({ target: t.target, state: t.state, expected: t.expected, held: t.held, error: t.error ?? null })),
      last_error: st?.lastError ? { reason: st.lastError.reason, message: st.lastError.message, at: st.lastError.at, run_id: st.lastError.runId ?? null } : null,
      status_updated_at: st?.updatedAt ?? null,
      spec: d ? storableSpec(d) : (r?.spec ?? null),
    });
  }
  return { batches: out, ...(specErrors ? { spec_errors: specErrors } : {}) };
}
