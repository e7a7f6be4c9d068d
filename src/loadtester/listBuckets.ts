import { sql, type Kysely } from 'kysely';
import { bucketSql, populationIs } from './digestSql.ts';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';

export interface BucketMember {
  username: string;
  content_hash: string;
}

/**
 * The records of some buckets of a population, for repair: what the reconciler compares
 * with its own list once the buckets' digests differ. Never passwords. Ordered by username
 * in byte order (COLLATE "C") so the answer is the same on every server.
 *
 * One pass over the population, reading the stored bucket16 (no hashing) and keeping the
 * rows of the buckets asked for, however many: there is no index on buckets to read one
 * through, because keeping it cost every write a random index insert (migration 0004).
 */
export async function listBuckets(db: Kysely<LoadTesterDatabase>, population: string, buckets: number, bucketList: readonly number[]): Promise<BucketMember[]> {
  bucketSql(buckets); // validates buckets
  // Bucket b of 2^k holds the bucket16 values whose top k bits are b (bucketSql's definition).
  const shift = 16 - Math.log2(buckets);
  const { rows } = await sql<BucketMember>`
    SELECT c.username, c.content_hash
    FROM loadtester.credentials c
    JOIN unnest(${[...new Set(bucketList)]}::int[]) AS b(bucket) ON (c.bucket16 >> ${shift}) = b.bucket
    WHERE ${populationIs(population)}
    ORDER BY c.username COLLATE "C"`.execute(db);
  return rows;
}
