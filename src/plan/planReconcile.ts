import type {
  CreateGaps,
  DesiredPopulation,
  MassDeleteGuard,
  Observed,
  ObservedPopulation,
  ObservedTarget,
  Plan,
  PlanSummary,
  PopulationPlan,
  TargetPlan,
} from './Plan.ts';
import { DEFAULT_RECONCILER_CONFIG, type DesiredState } from '../spec/DesiredState.ts';

export interface PlanOptions {
  /** Refuse a plan deleting more than this share of managed users (0-100). */
  maxDeletePercent: number;
  /** The operator asked for mass deletion explicitly. */
  allowMassDelete: boolean;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { maxDeletePercent: DEFAULT_RECONCILER_CONFIG.maxDeletePercent, allowMassDelete: false };

/** The guard's options for a run: the operator's flags over the ReconcilerConfig spec over the defaults. */
export function planOptionsFor(state: Pick<DesiredState, 'config'>, flags: { maxDeletePercent?: number | undefined; allowMassDelete?: boolean | undefined } = {}): PlanOptions {
  return {
    maxDeletePercent: flags.maxDeletePercent ?? state.config?.maxDeletePercent ?? DEFAULT_PLAN_OPTIONS.maxDeletePercent,
    allowMassDelete: Boolean(flags.allowMassDelete),
  };
}

const NO_GAPS: CreateGaps = { ranges: [], count: 0, conflicts: [], conflictCount: 0 };

function emptyObserved(name: string): ObservedPopulation {
  return { name, known: false, total: 0, inRange: 0, stale: 0, memberDigest: '0' };
}

/**
 * Populations whose every row this plan deletes: usernames they hold are free for the
 * populations being created, so they are not conflicts. Observation needs this before it
 * looks for gaps, which is why it is its own step.
 */
export function releasedPopulations(desired: readonly DesiredPopulation[], observed: ReadonlyMap<string, ObservedPopulation>): string[] {
  const wanted = new Set(desired.map((d) => d.spec.name));
  return [...observed.values()]
    .filter((o) => o.known && !wanted.has(o.name) && (o.source !== 'api' || o.phase === 'Deleting') && o.deletionPolicy !== 'Retain')
    .map((o) => o.name);
}

/**
 * Populations retained as orphans (spec removed, deletionPolicy Retain), including those
 * this very run marks Orphaned: their users stay, and so do their records in every target.
 * Observation, reconcile's sync and cleanup's sync must all agree on this set.
 */
export function retainedPopulations(desiredNames: readonly string[], observed: ReadonlyMap<string, ObservedPopulation>): string[] {
  const wanted = new Set(desiredNames);
  return [...observed.values()].filter((o) => o.known && o.deletionPolicy === 'Retain' && !wanted.has(o.name)).map((o) => o.name);
}

/** Pure: the exact differences between what the specs want and what the database holds. */
export function planReconcile(desired: readonly DesiredPopulation[], observed: Observed, options: PlanOptions = DEFAULT_PLAN_OPTIONS): Plan {
  const populations: PopulationPlan[] = [];
  const wanted = new Set<string>();

  for (const d of desired) {
    wanted.add(d.spec.name);
    populations.push(planDesired(d, observed.populations.get(d.spec.name) ?? emptyObserved(d.spec.name), observed.gaps.get(d.spec.name) ?? NO_GAPS));
  }
  for (const o of [...observed.populations.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (wanted.has(o.name)) continue;
    const p = planRemoved(o);
    if (p) populations.push(p);
  }

  const targets = (observed.targets ?? []).map((t) => planTarget(t, populations));
  const summary: PlanSummary = { create: 0, update: 0, delete: 0, syncUpsert: 0, syncDelete: 0, conflicts: 0 };
  for (const p of populations) {
    summary.create += p.create.count;
    summary.update += p.update.count;
    summary.delete += p.delete.count;
    summary.conflicts += p.conflicts.count;
  }
  for (const t of targets) {
    summary.syncUpsert += t.upsert;
    summary.syncDelete += t.delete;
  }
  // Rows of a population nobody registered count once a spec claims them (they can be
  // deleted as non-members), so the guard compares deletions with everything deletable.
  const managedUsers = [...observed.populations.values()].filter((o) => o.known || wanted.has(o.name)).reduce((n, o) => n + o.total, 0);
  const hasChanges =
    summary.create + summary.update + summary.delete + summary.syncUpsert + summary.syncDelete > 0 ||
    populations.some((p) => p.recordChanges) ||
    // A target that could not be checked is not known to be in step: the run must try it
    // (and fail, naming it) rather than report that nothing needs doing.
    targets.some((t) => t.drift > 0 || t.unreachable !== undefined);
  return {
    populations,
    targets,
    summary,
    productionUsers: observed.productionUsers,
    ...(observed.productionUsersApproximate ? { productionUsersApproximate: true } : {}),
    managedUsers,
    // Expiry is declared in the spec (ttl/expiresAt), not an accident the guard is for.
    guard: massDeleteGuard(summary.delete - populations.filter((p) => p.delete.reason === 'expired').reduce((n, p) => n + p.delete.count, 0), managedUsers, options),
    hasChanges,
  };
}

function planDesired(d: DesiredPopulation, o: ObservedPopulation, gaps: CreateGaps): PopulationPlan {
  const reasons: string[] = [];
  const replace = o.known && o.usernamePattern !== undefined && o.usernamePattern !== d.spec.usernamePattern && o.total > 0;
  const deleteCount = o.total - o.inRange;
  if (replace) reasons.push(`usernamePattern "${o.usernamePattern}" -> "${d.spec.usernamePattern}": replace`);
  else if (deleteCount > 0) reasons.push(`scale down: ${deleteCount} user(s) outside ids ${d.spec.idStart}..${d.spec.idStart + d.spec.count - 1}`);
  if (o.stale > 0) reasons.push(d.password === 'changed' ? 'password or content changed' : 'content changed (email, attributes or password)');
  if (gaps.conflictCount > 0) reasons.push(`${gaps.conflictCount} username(s) already taken`);
  if (d.password === 'unresolved') reasons.push(`${d.passwordRefusal ?? `password variable ${'fromEnv' in d.spec.password ? d.spec.password.fromEnv : ''} is not set`}: apply will fail`);

  // An unsettled record means an apply died after its last batch: finishing it is a change.
  const phase = d.expired ? 'Expired' : 'Active';
  const recordChanges =
    !o.known ||
    o.specHash !== d.specHash ||
    o.phase !== phase ||
    o.source !== d.source ||
    o.settled === false ||
    (o.leaseKey ?? null) !== (d.lease?.key ?? null) ||
    (o.leaseStartedAt ?? null) !== (d.lease?.startedAt ?? null);
  const userChanges = gaps.count + o.stale + deleteCount > 0;
  if (d.expired && o.phase !== 'Expired') reasons.unshift(`lease expired at ${d.lease?.expiresAt}: its users are deleted until renewed`);
  const action: PopulationPlan['action'] =
    d.expired && (deleteCount > 0 || o.phase !== 'Expired')
      ? 'expire'
      : !o.known && o.total === 0
        ? 'create'
        : replace
          ? 'replace'
          : userChanges || recordChanges
            ? 'update'
            : 'noop';
  if (action === 'update' && !userChanges && recordChanges) {
    reasons.push(!o.known ? 'adopt existing rows' : o.specHash === d.specHash && o.settled === false ? 'finish the record of an interrupted apply' : 'spec changed; no user affected');
  }
  return {
    name: d.spec.name,
    action,
    reasons,
    create: { count: gaps.count, ranges: gaps.ranges },
    update: { count: o.stale },
    delete: deleteCount > 0 ? { count: deleteCount, reason: d.expired ? 'expired' : replace ? 'replace' : 'scale-down' } : { count: 0 },
    conflicts: { count: gaps.conflictCount, sample: gaps.conflicts },
    recordChanges,
    desired: d,
    observed: o,
  };
}

function planRemoved(o: ObservedPopulation): PopulationPlan | undefined {
  // Rows labelled with a population nobody registered are not ours to delete; an
  // API-defined population is deleted only once the API marked it for deletion.
  if (!o.known || (o.source === 'api' && o.phase !== 'Deleting')) return undefined;
  const base = { name: o.name, create: { count: 0, ranges: [] }, update: { count: 0 }, conflicts: { count: 0, sample: [] }, observed: o };
  if (o.deletionPolicy === 'Retain') {
    if (o.phase === 'Orphaned') return undefined;
    return { ...base, action: 'retain', reasons: ['spec removed; deletionPolicy Retain keeps its users'], delete: { count: 0 }, recordChanges: true };
  }
  return { ...base, action: 'delete', reasons: ['spec removed'], delete: { count: o.total, reason: 'spec-removed' }, recordChanges: true };
}

/**
 * What a target receives: existing members it lacks or holds stale, plus every member the
 * database is about to create (or rewrite by update); and deletes of what it holds
 * beyond the members, except for populations retained as orphans.
 */
function planTarget(t: ObservedTarget, populations: readonly PopulationPlan[]): TargetPlan {
  const byName = new Map(populations.map((p) => [p.name, p]));
  const rows = t.populations.map((o) => {
    const p = byName.get(o.population);
    const upsert = o.desired ? o.unsynced + (p?.create.count ?? 0) : 0;
    return { population: o.population, upsert, delete: o.frozen ? 0 : o.extra };
  });
  return {
    name: t.name,
    type: t.type,
    upsert: rows.reduce((n, r) => n + r.upsert, 0),
    delete: rows.reduce((n, r) => n + r.delete, 0),
    drift: t.drift,
    ...(t.unreachable ? { unreachable: t.unreachable } : {}),
    ...(t.skipped ? { skipped: true } : {}),
    populations: rows.filter((r) => r.upsert + r.delete > 0),
  };
}

/** The mass-delete guard (docs/design.md, invariants): deleting every managed user, or more than the allowed share, needs an explicit flag. */
export function massDeleteGuard(deletes: number, managed: number, options: PlanOptions): MassDeleteGuard {
  if (deletes === 0 || options.allowMassDelete) return { refused: false };
  if (deletes >= managed) {
    return { refused: true, message: `refusing to delete all ${managed} managed test user(s); pass --allow-mass-delete if that is intended` };
  }
  if (deletes * 100 > options.maxDeletePercent * managed) {
    const pct = ((deletes * 100) / managed).toFixed(1);
    return {
      refused: true,
      message: `refusing to delete ${deletes} of ${managed} managed test users (${pct}% > maxDeletePercent ${options.maxDeletePercent}%); pass --allow-mass-delete if that is intended`,
    };
  }
  return { refused: false };
}
