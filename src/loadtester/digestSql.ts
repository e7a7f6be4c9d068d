import { sql, type RawBuilder } from 'kysely';
import { bucketOf, recordsDigestSql } from '../db/digestSql.ts';

/**
 * SQL fragments of the digest protocol (docs/load-tester-protocol.md, "Digests"), written
 * exactly as the document states them so both sides of the comparison agree bit for bit.
 * They refer to the columns `username` and `content_hash` of the row in scope.
 */

/** The digest aggregate: the reconciler's own definition, so both sides agree by construction. */
export const digestAggregateSql: RawBuilder<string> = recordsDigestSql;

/** The bucket of a record among `buckets` = 2^k, validated here because it comes from a query string. */
export function bucketSql(buckets: number): RawBuilder<number> {
  const k = Math.log2(buckets);
  if (!Number.isInteger(k) || k < 0 || k > 16) throw new RangeError(`buckets must be a power of two from 1 to 65536 (got ${buckets})`);
  return bucketOf(sql`username`, buckets);
}

/**
 * `population = $1` in byte collation. The (population, username) index is built
 * COLLATE "C" (see migrateLoadTester); PostgreSQL only uses it for a comparison in the
 * same collation, and for equality the result is the same in every deterministic one.
 */
export function populationIs(population: string): RawBuilder<boolean> {
  return sql`population COLLATE "C" = ${population}`;
}
