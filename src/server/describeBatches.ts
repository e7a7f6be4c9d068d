import { countMembers, readPopulationRecords } from '../db/batchQueries.ts';
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
  const [records, counts] = await Promise.all([readPopulationRecords(db, name), countMembers(db, name)]);
  const byName = new Map(records.map((r) => [r.name, r]));
  const names = new Set<string>([...desired.map((d) => d.name), ...records.map((r) => r.name), ...counts.keys()]);
  const out: BatchDetail[] = [];
  for (const n of [...names].sort()) {
    if (name !== undefined && n !== name) continue;
    const d = desired.find((p) => p.name === n);
    const r = byName.get(n);
    const actual = counts.get(n)?.total ?? 0;
    const status = r?.status ?? {};
    const desiredCount = d ? d.count : null;
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
      spec: d ? storableSpec(d) : (r?.spec ?? null),
    });
  }
  return { batches: out, ...(specErrors ? { spec_errors: specErrors } : {}) };
}
