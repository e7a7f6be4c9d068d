import { sql } from 'kysely';
import type { Db } from '../db/openDatabase.ts';
import type { UserStore } from '../db/userStore/UserStore.ts';
import type { DesiredPopulation, PopulationPlan } from '../plan/Plan.ts';
import { storableSpec } from '../spec/storableSpec.ts';

/** Creates or refreshes the population's record before any of its rows are written. */
export async function writePopulationRecord(db: Db, d: DesiredPopulation, passwordHash: string | null): Promise<void> {
  const spec = JSON.stringify(storableSpec(d.declared ?? d.spec));
  const phase = d.expired ? 'Expired' : 'Active';
  const lease = {
    lease_started_at: d.lease ? new Date(d.lease.startedAt) : null,
    lease_key: d.lease?.key ?? null,
    expires_at: d.lease ? new Date(d.lease.expiresAt) : null,
  };
  await db
    .insertInto('bulk_populations')
    .values({
      name: d.spec.name,
      source: d.source,
      spec,
      spec_hash: d.specHash,
      generation: 1,
      observed_generation: 0,
      username_pattern: d.spec.usernamePattern,
      deletion_policy: d.spec.deletionPolicy,
      password_hash: passwordHash,
      phase,
      status: JSON.stringify({ desired: d.spec.count }),
      ...lease,
    })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        source: d.source,
        spec,
        generation: sql`CASE WHEN bulk_populations.spec_hash = ${d.specHash} THEN bulk_populations.generation ELSE bulk_populations.generation + 1 END`,
        spec_hash: d.specHash,
        username_pattern: d.spec.usernamePattern,
        deletion_policy: d.spec.deletionPolicy,
        password_hash: passwordHash ?? sql`bulk_populations.password_hash`,
        phase,
        ...lease,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

/**
 * After a population's rows are done: record what was observed, or drop the record of a
 * removed population (only now, so a crash before this point leaves it to be finished).
 * `actual` is the observed count plus what this apply created less what it deleted: a
 * recount here was a pass over every member (a second of a million-row create on a mapped
 * table), and the next run's observation counts them exactly anyway.
 */
export async function finishPopulationRecord(db: Db, store: UserStore, p: PopulationPlan, actual: number): Promise<void> {
  if (p.action === 'delete') {
    await sql`DELETE FROM bulk_populations WHERE name = ${p.name}
      AND NOT EXISTS (SELECT 1 FROM ${store.rows} u WHERE is_test_user = true AND population = ${p.name})`.execute(db);
    return;
  }
  if (p.action === 'retain') {
    await db.updateTable('bulk_populations').set({ phase: 'Orphaned', updated_at: sql`now()` }).where('name', '=', p.name).execute();
    return;
  }
  if (!p.desired) {
    // A cleanup of an expired population: the record stays (its spec may still exist) so
    // the next reconcile keeps it empty until it is renewed.
    await db.updateTable('bulk_populations').set({ phase: 'Expired', updated_at: sql`now()` }).where('name', '=', p.name).execute();
    return;
  }
  await db
    .updateTable('bulk_populations')
    .set({
      observed_generation: sql`generation`,
      status: JSON.stringify({ desired: p.desired!.spec.count, actual, conflicts: p.conflicts.count, lastAppliedAt: new Date().toISOString() }),
      updated_at: sql`now()`,
    })
    .where('name', '=', p.name)
    .execute();
}
