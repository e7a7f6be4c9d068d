import { sql, type Kysely } from 'kysely';
import { bucketSql, populationIs } from './digestSql.ts';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';

export interface BucketMember {
  username: string;
  content_hash: string;
}

/**
 * The records of one bucket of a population, for repair: what the reconciler compares
 * with its own list once a bucket's digest differs. Never passwords. Ordered by username
 * in byte order (COLLATE "C") so the answer is the same on every server.
 */
export async function listBucket(db: Kysely<LoadTesterDatabase>, population: string, buckets: number, bucket: number): Promise<BucketMember[]> {
  // Bucket b of 2^k is the range of bucket16 values whose top k bits are b (the same
  // definition as bucketSql, read through the (population, bucket16) index).
  bucketSql(buckets); // validates buckets
  const width = 65536 / buckets;
  const lo = bucket * width;
  const hi = lo + width - 1;
  const { rows } = await sql<BucketMember>`
    SELECT username, content_hash
    FROM loadtester.credentials
    WHERE ${populationIs(population)} AND bucket16 BETWEEN ${lo} AND ${hi}
    ORDER BY username COLLATE "C"`.execute(db);
  return rows;
}
