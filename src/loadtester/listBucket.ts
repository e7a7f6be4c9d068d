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
  const { rows } = await sql<BucketMember>`
    SELECT username, content_hash
    FROM loadtester.credentials
    WHERE ${populationIs(population)} AND ${bucketSql(buckets)} = ${bucket}
    ORDER BY username COLLATE "C"`.execute(db);
  return rows;
}
