import type { ClassCount } from './ClassCount.ts';
import { OperatorError } from '../errors.ts';
import type { ReconcilerConfig } from '../spec/DesiredState.ts';
import type { ObservedPopulation, Plan, PopulationPlan } from './Plan.ts';
import { massDeleteGuard, type PlanOptions } from './planReconcile.ts';

export interface CleanupSelection {
  population?: string;
  allExpired?: boolean;
  orphans?: boolean;
  /** Rows marked is_test_user that no known population owns; only with strictMode off. */
  unmanaged?: boolean;
}

export interface CleanupCandidate {
  reason: 'expired' | 'orphaned' | 'unmanaged-test';
  population: string | null;
  count: number;
  sample: string[];
}

export interface CleanupPlan {
  plan: Plan;
  candidates: CleanupCandidate[];
  /** Unmanaged test rows this cleanup deletes (0 unless selected). */
  unmanaged: number;
}

/** What cleanup could remove, and why: the classes identify reports that are not kept. */
export function cleanupCandidates(classes: readonly ClassCount[]): CleanupCandidate[] {
  return classes
    .filter((c) => c.class === 'expired' || c.class === 'orphaned' || c.class === 'unmanaged-test')
    .map((c) => ({ reason: c.class as CleanupCandidate['reason'], population: c.population, count: c.count, sample: c.sample }));
}

/**
 * Pure: the plan of a cleanup. It only ever deletes candidates, population by population,
 * so it goes through the same apply path (and the same guard) as reconcile.
 */
export function planCleanup(
  classes: readonly ClassCount[],
  populations: ReadonlyMap<string, ObservedPopulation>,
  productionUsers: number,
  selection: CleanupSelection,
  config: ReconcilerConfig,
  options: PlanOptions,
): CleanupPlan {
  const candidates = cleanupCandidates(classes);
  if (!selection.population && !selection.allExpired && !selection.orphans && !selection.unmanaged) {
    throw new OperatorError('say what to clean up: --population NAME, --all-expired, --orphans or --unmanaged', 'cleanup_selection');
  }
  if (selection.unmanaged && config.strictMode) {
    throw new OperatorError(
      'strictMode is on: rows that no known population owns are never deleted; adopt them (bulk-users adopt --population NAME) or set strictMode: false in a ReconcilerConfig spec',
      'strict_mode',
    );
  }
  const owned = candidates.filter((c) => c.population !== null);
  if (selection.population && !owned.some((c) => c.population === selection.population)) {
    const known = [...new Set(owned.map((c) => c.population))];
    throw new OperatorError(
      `population "${selection.population}" is not a cleanup candidate (only expired or orphaned populations are)` + (known.length ? `; candidates: ${known.join(', ')}` : '; there are none'),
      'not_a_candidate',
    );
  }
  const chosen = owned.filter(
    (c) => c.population === selection.population || (selection.allExpired && c.reason === 'expired') || (selection.orphans && c.reason === 'orphaned'),
  );
  const plans: PopulationPlan[] = chosen.map((c) => {
    const observed = populations.get(c.population!);
    const expired = c.reason === 'expired';
    return {
      name: c.population!,
      action: expired ? 'expire' : 'delete',
      reasons: [expired ? 'cleanup: lease expired' : 'cleanup: orphaned (spec removed, retained)'],
      create: { count: 0, ranges: [] },
      update: { count: 0 },
      delete: { count: c.count, reason: expired ? 'expired' : 'orphaned' },
      conflicts: { count: 0, sample: [] },
      recordChanges: true,
      ...(observed ? { observed } : {}),
    };
  });
  const unmanaged = selection.unmanaged ? candidates.filter((c) => c.reason === 'unmanaged-test').reduce((n, c) => n + c.count, 0) : 0;
  const deletes = plans.reduce((n, p) => n + p.delete.count, 0);
  const managed = [...populations.values()].filter((o) => o.known).reduce((n, o) => n + o.total, 0);
  const guarded = plans.filter((p) => p.delete.reason !== 'expired').reduce((n, p) => n + p.delete.count, 0);
  return {
    plan: {
      populations: plans,
      targets: [],
      summary: { create: 0, update: 0, delete: deletes + unmanaged, syncUpsert: 0, syncDelete: 0, conflicts: 0 },
      productionUsers,
      managedUsers: managed,
      guard: massDeleteGuard(guarded, managed, options),
      hasChanges: deletes + unmanaged > 0 || plans.length > 0,
    },
    candidates,
    unmanaged,
  };
}
