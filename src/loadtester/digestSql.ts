import { sql, type RawBuilder } from 'kysely';

/**
 * SQL fragments of the digest protocol (docs/load-tester-protocol.md, "Digests"), written
 * exactly as the document states them so both sides of the comparison agree bit for bit.
 * They refer to the columns `username` and `content_hash` of the row in scope.
 */

/** item(r): first 8 bytes of md5(username ':' content_hash) as a signed 64-bit integer. */
export const itemSql: RawBuilder<string> = sql`('x' || substr(md5(username || ':' || content_hash), 1, 16))::bit(64)::bigint`;

/**
 * digest = (Σ item) mod 2^64 as an unsigned decimal string. sum(bigint) is numeric, so it
 * cannot overflow; PostgreSQL's mod keeps the sign of the dividend, hence the second mod
 * to land in [0, 2^64). An empty set sums to NULL: coalesce makes its digest "0".
 * Returned as text because a JS number cannot hold 64 bits.
 */
export const digestAggregateSql: RawBuilder<string> = sql`(mod(mod(coalesce(sum(${itemSql}), 0), 18446744073709551616::numeric) + 18446744073709551616::numeric, 18446744073709551616::numeric))::text`;

/**
 * The bucket of a record among `buckets` = 2^k: the first k bits of md5(username).
 * `buckets` must already be validated as a power of two in 1..65536.
 */
export function bucketSql(buckets: number): RawBuilder<number> {
  const k = Math.log2(buckets);
  if (!Number.isInteger(k) || k < 0 || k > 16) throw new RangeError(`buckets must be a power of two from 1 to 65536 (got ${buckets})`);
  return sql`((('x' || substr(md5(username), 1, 4))::bit(16)::int) >> ${sql.lit(16 - k)})`;
}

/**
 * `population = $1` in byte collation. The (population, username) index is built
 * COLLATE "C" (see migrateLoadTester); PostgreSQL only uses it for a comparison in the
 * same collation, and for equality the result is the same in every deterministic one.
 */
export function populationIs(population: string): RawBuilder<boolean> {
  return sql`population COLLATE "C" = ${population}`;
}
