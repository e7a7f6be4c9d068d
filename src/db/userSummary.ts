import { sql } from 'kysely';
import { integerLiteral, literal } from './sqlLiteral.ts';
import { shareInFlight } from '../shareInFlight.ts';
import { digestMod, spanItemsSql } from './digestSql.ts';
import type { Db } from './openDatabase.ts';

/**
 * The per-population summary of the embedded users table (migration 0009): kept by the
 * reconciler in its own create and update transactions, and by triggers for every other
 * writer (and the reconciler's deletes); checked cheaply on every read that relies on it, verified
 * against a fresh count on demand (`reconcile --verify`, `doctor`).
 */

/** Below this many rows (by the planner's estimate) an exact count of the table is cheap. */
export const EXACT_COUNT_BELOW = 100_000;

export interface SummaryGroup {
  population: string;
  content_hash: string | null;
  expires_at: Date | null;
  shape: string | null;
  count: number;
  min_seq: number | null;
  max_seq: number | null;
  last_updated_at: Date | null;
}

/** The summary's triggers on users (migration 0009). */
const TRIGGERS = 4;

/**
 * Whether the summary can be read in place of the table, repairing it first when it is
 * not. Triggers missing (a restore that recreated the table) are put back, with a rebuild;
 * triggers disabled (by an operator) mean it is not kept, and reads go to the table. A
 * summary marked invalid is rebuilt, as is one that the table's per-population seq bounds
 * (a few index probes per population) contradict: writes that bypassed the triggers (a
 * restore with session_replication_role = replica, say) that change a population's
 * presence or extent are caught here; anything else is left to `--verify` and doctor.
 */
// Concurrent readers (ten clients polling stats, say) share one check in flight.
export const ensureUserSummary: (db: Db) => Promise<boolean> = shareInFlight(checkUserSummary);

async function checkUserSummary(db: Db): Promise<boolean> {
  // One round trip: the triggers, the state, and the populations whose rows in the table
  // cannot be what the summary says: present on one side only, or seqs outside the
  // summary's bounds, or (where the summary says the population is one contiguous block,
  // so its bounds are exact) other bounds.
  const { rows } = await sql<{ present: number; enabled: number; valid: boolean | null; inconsistent: number }>`
    WITH RECURSIVE p(pop) AS (
      SELECT min(population) FROM users WHERE population IS NOT NULL
      UNION ALL SELECT (SELECT min(population) FROM users WHERE population > p.pop) FROM p WHERE p.pop IS NOT NULL
    ), s AS (
      SELECT population, sum(count) AS n, min(min_seq) AS lo, max(max_seq) AS hi FROM bulk_user_summary WHERE population IS NOT NULL AND count <> 0 GROUP BY population
    ), t AS (
      SELECT count(*)::int AS present, (count(*) FILTER (WHERE tgenabled IN ('O', 'A')))::int AS enabled
      FROM pg_trigger WHERE tgrelid = 'users'::regclass AND tgname LIKE 'bulk_user_summarize_%'
    )
    SELECT t.present, t.enabled, (SELECT valid FROM bulk_user_summary_state) AS valid,
      (SELECT count(*)::int FROM (SELECT p.pop FROM p WHERE p.pop IS NOT NULL UNION SELECT population FROM s) x(pop)
        LEFT JOIN s ON s.population = x.pop
        CROSS JOIN LATERAL (SELECT min(seq) AS lo, max(seq) AS hi FROM users WHERE population = x.pop AND is_test_user) r
        WHERE (s.n IS NULL) <> (r.lo IS NULL) OR r.lo < s.lo OR r.hi > s.hi OR (s.n = s.hi - s.lo + 1 AND (r.lo <> s.lo OR r.hi <> s.hi))) AS inconsistent
    FROM t`.execute(db);
  const r = rows[0]!;
  if (r.present < TRIGGERS) {
    await sql`SELECT bulk_user_summary_install()`.execute(db);
    return true;
  }
  if (r.enabled !== TRIGGERS) return false;
  if (r.valid === true && r.inconsistent > 0) {
    await sql`UPDATE bulk_user_summary_state SET valid = false`.execute(db);
    r.valid = false;
  }
  if (r.valid !== true) await sql`SELECT bulk_user_summary_rebuild(true)`.execute(db);
  return true;
}

async function rebuildUserSummary(db: Db): Promise<void> {
  await sql`SELECT bulk_user_summary_rebuild()`.execute(db);
}

/**
 * Compares the summary with a fresh aggregate of the table (one pass, under a lock that
 * holds writers of the table meanwhile) and rebuilds it when they differ.
 */
export async function verifyUserSummary(db: Db): Promise<{ differences: number; rebuilt: boolean }> {
  const { rows } = await sql<{ n: number }>`SELECT bulk_user_summary_diff()::int AS n`.execute(db);
  const differences = rows[0]!.n;
  if (differences > 0) await rebuildUserSummary(db);
  return { differences, rebuilt: differences > 0 };
}

/** Narrows the seq bounds of populations kept in one group to the table's (an index probe each, one statement). */
export async function tightenUserSummary(db: Db, populations: readonly string[]): Promise<void> {
  await sql`SELECT bulk_user_summary_tighten(p) FROM unnest(${[...populations]}::text[]) AS p`.execute(db);
}

export async function readUserSummary(db: Db, only?: readonly string[]): Promise<SummaryGroup[]> {
  const { rows } = await sql<SummaryGroup>`
    SELECT population, content_hash, expires_at, shape, count, min_seq, max_seq, last_updated_at
    FROM bulk_user_summary WHERE population IS NOT NULL AND count <> 0 ${only ? sql`AND population = ANY(${[...only]}::text[])` : sql``} ORDER BY population`.execute(db);
  return rows;
}

/**
 * Rows of the users table and how many are production users: exact (one pass) while the
 * table is small, else the planner's estimate less the summarized test users, labelled.
 */
export async function estimateUserRows(db: Db, summarizedTestUsers: number): Promise<{ tableRows: number; productionUsers: number; approximate: boolean }> {
  // The statistics lag (a table just truncated and refilled); the summarized test users
  // are an exact lower bound.
  const est = Math.max(await estimatedTableRows(db), summarizedTestUsers);
  if (est < EXACT_COUNT_BELOW) {
    const exact = await sql<{ total: number; production: number }>`
      SELECT count(*)::bigint AS total, count(*) FILTER (WHERE NOT is_test_user)::bigint AS production FROM users`.execute(db);
    return { tableRows: exact.rows[0]!.total, productionUsers: exact.rows[0]!.production, approximate: false };
  }
  return { tableRows: est, productionUsers: est - summarizedTestUsers, approximate: true };
}

/**
 * Rows of users by the statistics: the live tuples the server counts as statements commit
 * (current without an ANALYZE, which a table just filled may not have had yet), else the
 * planner's reltuples; -1 when neither is known.
 */
export async function estimatedTableRows(db: Db): Promise<number> {
  const { rows } = await sql<{ est: number | null }>`SELECT ${estimatedTableRowsSql} AS est`.execute(db);
  return rows[0]?.est ?? -1;
}

export const estimatedTableRowsSql = sql<number>`coalesce((SELECT n_live_tup FROM pg_stat_user_tables WHERE relid = 'users'::regclass), (SELECT reltuples::bigint FROM pg_class WHERE oid = 'users'::regclass), -1)::bigint`;

/**
 * Statements a create or update transaction of the reconciler runs so that it keeps the
 * summary itself: `keep` before its write (the triggers then step aside for this
 * transaction only), and the group change after it.
 */
export const KEEP_SUMMARY_SQL = "SET LOCAL bulk_users.summary = 'kept'";

/** How a group's change merges into its row of bulk_user_summary (the insert is aliased `s`). */
export const MERGE_GROUP_SQL = `ON CONFLICT ON CONSTRAINT bulk_user_summary_key DO UPDATE
       SET count = s.count + excluded.count, min_seq = least(s.min_seq, excluded.min_seq), max_seq = greatest(s.max_seq, excluded.max_seq),
           last_updated_at = greatest(s.last_updated_at, excluded.last_updated_at)`;

/**
 * A created range as a change of its group, from what the batch knows: no pass over its
 * rows. Valid when every username of the range has the shape prefix{id}suffix, which holds
 * when the suffix has no digit (the seq's digits are then the last occurrence of
 * themselves); `createdGroupShape` says when. Plain SQL with its values as literals, so a
 * create batch can send it in one round trip with its INSERT and COMMIT.
 */
export function createdGroupSql(g: { population: string; contentHash: string; expiresAt: string | null; shape: string; count: number; from: number; to: number }): string {
  return `INSERT INTO bulk_user_summary AS s (population, content_hash, expires_at, shape, count, min_seq, max_seq, last_updated_at)
     VALUES (${literal(g.population)}, ${literal(g.contentHash)}, ${literal(g.expiresAt)}::timestamptz, ${literal(g.shape)}, ${integerLiteral(g.count)}, ${integerLiteral(g.from)}, ${integerLiteral(g.to)}, now())
     ${MERGE_GROUP_SQL}`;
}

/** The shape every member username of the pattern has, when that is certain without looking (see createdGroupSql); else null. */
export function createdGroupShape(prefix: string, suffix: string): string | null {
  return /[0-9]/.test(suffix) ? null : `${prefix}{id}${suffix}`;
}

/** A range of a pattern's usernames with one content hash, as bulk_user_range_digest remembers digests (migration 0009). */
export type DigestRange = { prefix: string; suffix: string; contentHash: string; lo: number; hi: number };

/** The remembered range of this pattern, content and start whose end is nearest this one's. */
async function nearestMemo(db: Db, r: DigestRange): Promise<{ hi: number; digest: string } | undefined> {
  const { rows } = await sql<{ hi: number; digest: string }>`
    SELECT hi, digest::text AS digest FROM bulk_user_range_digest
    WHERE prefix = ${r.prefix} AND suffix = ${r.suffix} AND content_hash = ${r.contentHash} AND lo = ${r.lo}
    ORDER BY abs(hi - ${r.hi}) LIMIT 1`.execute(db);
  return rows[0];
}

/** The remembered digest of exactly this range, or null: one index probe. */
export async function rememberedRangeDigest(db: Db, r: DigestRange): Promise<string | null> {
  const memo = await nearestMemo(db, r);
  return memo && memo.hi === r.hi ? memo.digest : null;
}

/** Remembers a range's digest, in place of older ranges and contents of that pattern. */
export async function rememberRangeDigest(db: Db, r: DigestRange, digest: string): Promise<void> {
  // ON CONFLICT: another reader may have remembered the same range meanwhile.
  await sql`
    WITH gone AS (DELETE FROM bulk_user_range_digest WHERE prefix = ${r.prefix} AND suffix = ${r.suffix})
    INSERT INTO bulk_user_range_digest (prefix, suffix, content_hash, lo, hi, digest)
    VALUES (${r.prefix}, ${r.suffix}, ${r.contentHash}, ${r.lo}, ${r.hi}, ${digest}::numeric) ON CONFLICT DO NOTHING`.execute(db);
}

/**
 * The protocol's digest of the usernames prefix || s || suffix for s in [lo, hi], all with
 * one content hash: remembered, or extended or cut at the upper end from the nearest
 * remembered range with the same start (a scale costs its difference), else computed (an
 * md5 per seq, no table read); then remembered.
 */
export async function rangeDigest(db: Db, r: DigestRange): Promise<string> {
  const span = (a: number, b: number) => spanItemsSql(sql`${r.prefix}::text`, sql`${r.suffix}::text`, sql`${r.contentHash}::text`, sql`${a}::bigint`, sql`${b}::bigint`);
  const memo = await nearestMemo(db, r);
  if (memo && memo.hi === r.hi) return memo.digest;
  const value = !memo ? span(r.lo, r.hi) : memo.hi < r.hi ? sql`${memo.digest}::numeric + ${span(memo.hi + 1, r.hi)}` : sql`${memo.digest}::numeric - ${span(r.hi + 1, memo.hi)}`;
  const { rows } = await sql<{ digest: string }>`SELECT (${digestMod(value)})::text AS digest`.execute(db);
  const digest = rows[0]!.digest;
  await rememberRangeDigest(db, r, digest);
  return digest;
}
