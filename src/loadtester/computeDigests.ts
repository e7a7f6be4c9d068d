import { sql, type Kysely } from 'kysely';
import { bucketSql, digestAggregateSql, populationIs } from './digestSql.ts';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';
import { readPopulationSummary } from './populationSummary.ts';

export interface Digest {
  count: number;
  digest: string;
}

export interface BucketDigest extends Digest {
  bucket: number;
}

export interface PopulationDigest extends Digest {
  population: string;
  /** Only the non-empty buckets, ascending; present when buckets were asked for. */
  buckets?: BucketDigest[];
}

/**
 * Count and digest of every population that has records, from the per-population summary
 * the credentials' triggers keep (populationSummary.ts): O(populations), so the reconciler's
 * no-op comparison does not read every credential. Equal, by construction and by test, to
 * the full aggregate (digestAllPopulationsFromRecords).
 */
export async function digestAllPopulations(db: Kysely<LoadTesterDatabase>): Promise<Record<string, Digest>> {
  const summary = await readPopulationSummary(db, { fold: true });
  // No prototype: a population may be called "__proto__".
  const out: Record<string, Digest> = Object.create(null);
  for (const [population, d] of summary) out[population] = d;
  return out;
}

/** The same figures computed from every credential: what the summary is checked against. */
export async function digestAllPopulationsFromRecords(db: Kysely<LoadTesterDatabase>): Promise<Record<string, Digest>> {
  const { rows } = await sql<{ population: string; count: number; digest: string }>`
    SELECT population, count(*)::int AS count, ${digestAggregateSql} AS digest
    FROM loadtester.credentials
    GROUP BY population
    ORDER BY population COLLATE "C"`.execute(db);
  const out: Record<string, Digest> = Object.create(null);
  for (const r of rows) out[r.population] = { count: r.count, digest: r.digest };
  return out;
}

/**
 * Count and digest of one population (count 0, digest "0" when it has no records), and
 * with `buckets` the same per non-empty bucket. Population and bucket figures come from
 * one statement (GROUPING SETS), hence one snapshot: under concurrent writes the buckets
 * still add up to the total, so a reconciler never chases a difference that is not there.
 */
export async function digestPopulation(db: Kysely<LoadTesterDatabase>, population: string, buckets?: number): Promise<PopulationDigest> {
  if (buckets === undefined) {
    const { rows } = await sql<Digest>`
      SELECT count(*)::int AS count, ${digestAggregateSql} AS digest
      FROM loadtester.credentials
      WHERE ${populationIs(population)}`.execute(db);
    const r = rows[0] ?? { count: 0, digest: '0' };
    return { population, count: r.count, digest: r.digest };
  }

  const { rows } = await sql<{ total: boolean; bucket: number | null; count: number; digest: string }>`
    SELECT GROUPING(bucket) = 1 AS total, bucket, count(*)::int AS count, ${digestAggregateSql} AS digest
    FROM (
      SELECT ${bucketSql(buckets)} AS bucket, username, content_hash
      FROM loadtester.credentials
      WHERE ${populationIs(population)}
    ) AS records
    GROUP BY GROUPING SETS ((bucket), ())
    ORDER BY total, bucket`.execute(db);
  const total = rows.find((r) => r.total) ?? { count: 0, digest: '0' };
  return {
    population,
    count: total.count,
    digest: total.digest,
    buckets: rows.filter((r) => !r.total).map((r) => ({ bucket: r.bucket ?? 0, count: r.count, digest: r.digest })),
  };
}
