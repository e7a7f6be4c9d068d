import { sql, type RawBuilder } from 'kysely';

/**
 * The order-independent digest of docs/load-tester-protocol.md, in SQL, so the reconciler
 * and the Load Tester compute it the same way without listing records.
 */
export function digestItem(username: RawBuilder<unknown>, contentHash: RawBuilder<unknown>): RawBuilder<string> {
  // A bigint, not numeric: sum(bigint) accumulates in 128-bit integers, several times faster
  // than numeric addition, and still returns the exact numeric sum.
  return sql<string>`('x' || substr(md5(${username} || ':' || ${contentHash}), 1, 16))::bit(64)::bigint`;
}

/** A sum of items (numeric) reduced into [0, 2^64): the digest's value. */
export function digestMod(sum: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`((${sum}) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616`;
}

/** Sum of items reduced into [0, 2^64), as text; "0" for the empty set. */
export function digestSum(item: RawBuilder<string>, filter?: RawBuilder<boolean>): RawBuilder<string> {
  const sum = filter ? sql`sum(${item}) FILTER (WHERE ${filter})` : sql`sum(${item})`;
  return sql<string>`(${digestMod(sql`coalesce(${sum}, 0)`)})::text`;
}

/**
 * The sum (numeric, not reduced) of the items of the usernames prefix || s || suffix for s
 * in [lo, hi], all with one content hash: an md5 per seq, no table read. Every argument
 * is an SQL expression, so it serves a range given by parameters or by a row.
 */
export function spanItemsSql(prefix: RawBuilder<unknown>, suffix: RawBuilder<unknown>, contentHash: RawBuilder<unknown>, lo: RawBuilder<unknown>, hi: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(SELECT coalesce(sum(${digestItem(sql`${prefix} || s::text || ${suffix}`, contentHash)}), 0) FROM generate_series(${lo}, ${hi}) s)`;
}

/** The digest of the records in scope (columns `username` and `content_hash`). */
export const recordsDigestSql: RawBuilder<string> = digestSum(digestItem(sql`username`, sql`content_hash`));

/** Bucket of a username among 2^k buckets: the first k bits of md5(username). */
export function bucketOf(username: RawBuilder<unknown>, buckets: number): RawBuilder<number> {
  const k = Math.log2(buckets);
  return sql<number>`((('x' || substr(md5(${username}), 1, 4))::bit(16)::int) >> ${sql.lit(16 - k)})`;
}

/** Buckets for a population of `count`: about 64 records each, a power of two in [16, 65536]. */
export function bucketsFor(count: number): number {
  let b = 16;
  while (b < 65536 && count / b > 64) b *= 2;
  return b;
}
