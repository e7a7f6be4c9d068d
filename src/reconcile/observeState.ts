import { candidateRanges, observeAggregates, observeGaps } from '../db/observe.ts';
import type { Db } from '../db/openDatabase.ts';
import type { UserStore } from '../db/userStore/UserStore.ts';
import type { CreateGaps, DesiredPopulation, Observed } from '../plan/Plan.ts';
import { releasedPopulations } from '../plan/planReconcile.ts';

/**
 * Observation in two steps: aggregates for every population, then, only where members
 * are missing, the exact gaps and conflicts. A no-op run never reaches the second step.
 */
export async function observeState(db: Db, store: UserStore, desired: readonly DesiredPopulation[]): Promise<Observed> {
  const { populations, present, productionUsers, productionUsersApproximate, tableRows } = await observeAggregates(db, store, desired);
  const released = releasedPopulations(desired, populations);
  const gaps = new Map<string, CreateGaps>();
  for (const d of desired) {
    const o = populations.get(d.spec.name);
    const inRange = o?.inRange ?? 0;
    if (inRange >= d.spec.count) continue;
    const search = candidateRanges(d.spec.idStart, d.spec.idStart + d.spec.count, inRange, present.get(d.spec.name));
    gaps.set(d.spec.name, await observeGaps(db, store, d, search, released, desired, tableRows));
  }
  return { populations, gaps, productionUsers, ...(productionUsersApproximate ? { productionUsersApproximate } : {}) };
}
