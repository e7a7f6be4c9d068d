import type { Db } from '../db/openDatabase.ts';
import { deletionDependents } from '../db/userStore/deletionDependents.ts';
import type { UserStore } from '../db/userStore/UserStore.ts';
import type { Plan } from '../plan/Plan.ts';

/** The plan with what references the users it deletes (only looked up when it deletes any). */
export async function withDependents(db: Db, store: UserStore, plan: Plan): Promise<Plan> {
  const deleting = plan.populations.filter((p) => p.delete.count > 0);
  if (deleting.length === 0) return plan;
  const dependents = await deletionDependents(db, store, deleting.map((p) => ({ population: p.name, keep: p.desired?.spec ?? null })));
  return dependents.length ? { ...plan, dependents } : plan;
}
