import { sql, type Kysely } from 'kysely';
import { digestAggregateSql } from './digestSql.ts';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';

/** Count and digest of one population, as the digest endpoint answers them. */
export interface SummaryDigest {
  count: number;
  digest: string;
}

const MOD64 = sql.raw('18446744073709551616');

/**
 * Count and digest of every population with records, from population_summary plus the
 * deltas appended since the last fold (migration 0003): O(populations), never a scan of
 * the credentials. One statement, hence one snapshot: a writer's credentials and its deltas
 * commit together, so the answer is exactly that of a full aggregate at that snapshot.
 *
 * With `fold`, first moves the pending deltas into the summary (in their own short
 * transaction), so reads stay O(populations) however many statements ran since.
 */
export async function readPopulationSummary(db: Kysely<LoadTesterDatabase>, opts: { fold: boolean }): Promise<Map<string, SummaryDigest>> {
  if (opts.fold) await foldPopulationDeltas(db);
  const { rows } = await sql<{ population: string; count: string; digest: string }>`
    SELECT population, sum(count)::text AS count,
           ((sum(digest) % ${MOD64} + ${MOD64}) % ${MOD64})::text AS digest
    FROM (
      SELECT population, count, digest FROM loadtester.population_summary
      UNION ALL
      SELECT population, count, digest FROM loadtester.population_deltas
    ) AS parts
    GROUP BY population
    HAVING sum(count) > 0
    ORDER BY population COLLATE "C"`.execute(db);
  return new Map(rows.map((r) => [r.population, { count: Number(r.count), digest: r.digest }]));
}

/**
 * Moves every committed delta into population_summary. Folds are serialized by the
 * EXCLUSIVE lock on population_summary (which writers never take: they only append
 * deltas), and TRUNCATE's trigger takes the same lock, so a fold never writes back sums
 * from before a TRUNCATE. Deltas committed while this runs are left for the next fold.
 */
export async function foldPopulationDeltas(db: Kysely<LoadTesterDatabase>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE loadtester.population_summary IN EXCLUSIVE MODE`.execute(trx);
    // Sorted only for tidiness: nothing else writes summary rows while the lock is held.
    await sql`
      WITH moved AS (DELETE FROM loadtester.population_deltas RETURNING population, count, digest)
      INSERT INTO loadtester.population_summary AS s (population, count, digest)
      SELECT population, sum(count), ((sum(digest) % ${MOD64} + ${MOD64}) % ${MOD64}) FROM moved
      GROUP BY population ORDER BY population
      ON CONFLICT (population) DO UPDATE
        SET count = s.count + excluded.count, digest = (s.digest + excluded.digest) % ${MOD64}`.execute(trx);
    // Emptied populations go, so the summary stays as small as the set of populations held.
    await sql`DELETE FROM loadtester.population_summary WHERE count = 0`.execute(trx);
  });
}

export interface SummaryCheck {
  /** Populations whose count or digest differed from a fresh aggregate (then rebuilt). */
  mismatched: string[];
  /** Populations compared (present in either). */
  checked: number;
  repaired: boolean;
}

/**
 * Compares the summary with a fresh aggregate of the credentials and rebuilds it when
 * they differ: the repair for writes that bypassed the triggers (a data-only restore with
 * --disable-triggers, session_replication_role = replica, a trigger disabled by hand). Reads
 * every credential, so it runs at start and on demand, not per request. The comparison is
 * one statement (one snapshot); the rebuild holds writers out while it recomputes.
 */
export async function verifyPopulationSummary(db: Kysely<LoadTesterDatabase>): Promise<SummaryCheck> {
  const { rows } = await sql<{ population: string; same: boolean }>`
    WITH fresh AS (
      SELECT population, count(*) AS count, ${digestAggregateSql} AS digest
      FROM loadtester.credentials GROUP BY population
    ), kept AS (
      SELECT population, sum(count) AS count, ((sum(digest) % ${MOD64} + ${MOD64}) % ${MOD64})::text AS digest
      FROM (
        SELECT population, count, digest FROM loadtester.population_summary
        UNION ALL
        SELECT population, count, digest FROM loadtester.population_deltas
      ) AS parts
      GROUP BY population HAVING sum(count) <> 0 OR sum(digest) % ${MOD64} <> 0
    )
    SELECT coalesce(fresh.population, kept.population) AS population,
           (fresh.count IS NOT DISTINCT FROM kept.count AND fresh.digest IS NOT DISTINCT FROM kept.digest) AS same
    FROM fresh FULL JOIN kept ON kept.population = fresh.population`.execute(db);
  const mismatched = rows.filter((r) => !r.same).map((r) => r.population);
  if (mismatched.length > 0) await rebuildPopulationSummary(db);
  return { mismatched, checked: rows.length, repaired: mismatched.length > 0 };
}

/** Recomputes the summary from the credentials, with writers held out meanwhile. */
export async function rebuildPopulationSummary(db: Kysely<LoadTesterDatabase>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Writers first (the order TRUNCATE's trigger takes them in), then folds.
    await sql`LOCK TABLE loadtester.credentials IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    await sql`LOCK TABLE loadtester.population_summary IN EXCLUSIVE MODE`.execute(trx);
    await sql`DELETE FROM loadtester.population_deltas`.execute(trx);
    await sql`DELETE FROM loadtester.population_summary`.execute(trx);
    await sql`
      INSERT INTO loadtester.population_summary (population, count, digest)
      SELECT population, count(*), (${digestAggregateSql})::numeric
      FROM loadtester.credentials GROUP BY population`.execute(trx);
  });
}
