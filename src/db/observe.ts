import { sql } from 'kysely';
import type { Conflict, ConflictHolder, CreateGaps, ObservedPopulation, SeqRange } from '../plan/Plan.ts';
import type { PopulationSpec } from '../spec/DesiredState.ts';
import { digestItem, digestSum } from './digestSql.ts';
import { isMemberOf, seqOfUsername } from './memberSql.ts';
import type { Db } from './openDatabase.ts';
import { ensureUserSummary, estimateUserRows, rangeDigest, rememberedRangeDigest, tightenUserSummary, type DigestRange } from './userSummary.ts';
import type { UserStore } from './userStore/UserStore.ts';

/** The part of a desired population that observation compares against. */
export interface ObservationTarget {
  spec: Pick<PopulationSpec, 'name' | 'idStart' | 'count' | 'pattern' | 'syncTargets'>;
  contentHash: string;
  /** Every member row carries it; a row with another value is stale. */
  lease?: { expiresAt: string };
}

/**
 * The desired populations as rows, the CTE `d` both observation queries join: name, seq
 * range [lo, hi), pattern, the content hash and lease end every member carries, and
 * whether it syncs anywhere (digests cost an md5 per row: only those pay for them).
 */
function desiredRows(targets: readonly ObservationTarget[]) {
  return sql`SELECT * FROM unnest(${targets.map((t) => t.spec.name)}::text[], ${targets.map((t) => t.spec.idStart)}::bigint[],
      ${targets.map((t) => t.spec.idStart + t.spec.count)}::bigint[], ${targets.map((t) => t.spec.pattern.prefix)}::text[],
      ${targets.map((t) => t.spec.pattern.suffix)}::text[], ${targets.map((t) => t.contentHash)}::text[],
      ${targets.map((t) => t.spec.syncTargets.length > 0)}::boolean[], ${targets.map((t) => t.lease?.expiresAt ?? null)}::timestamptz[])
    AS d(name, lo, hi, prefix, suffix, hash, synced, expires)`;
}

/** The shape columns of the desired-populations CTE `d` both observation queries join. */
const FROM_D = { lo: sql`d.lo`, hi: sql`d.hi`, prefix: sql`d.prefix`, suffix: sql`d.suffix` };

interface AggregateRow {
  name: string | null;
  total: number;
  in_range: number;
  stale: number;
  min_seq: number | null;
  max_seq: number | null;
  digest: string;
  production: number;
  /** Set instead of the digest: see ObservedPopulation.memberBlock. */
  block?: { lo: number; hi: number };
}

export interface PopulationAggregates {
  populations: Map<string, ObservedPopulation>;
  /** Where the present members sit, to narrow the search for missing ones. */
  present: Map<string, { min: number; max: number } | undefined>;
  /** Rows with is_test_user = false. */
  productionUsers: number;
  /** productionUsers is the planner's estimate (a large table), not a count. */
  productionUsersApproximate: boolean;
  /** Every row of the table, which decides how missing members are searched for. */
  tableRows: number;
}

/**
 * One aggregate row per population: totals, members in the desired range with the
 * username the pattern gives, and stale ones; plus the count of production users. Read
 * from the summary (O(populations)) where it settles a population exactly, else by one
 * pass over that population's rows (or the whole table, when no summary is kept).
 */
export async function observeAggregates(db: Db, store: UserStore, targets: readonly ObservationTarget[]): Promise<PopulationAggregates> {
  if (!store.summarized || !(await ensureUserSummary(db))) {
    const rows = await exactAggregates(db, store, targets);
    let productionUsers = 0;
    let tableRows = 0;
    for (const row of rows) {
      tableRows += row.total;
      if (row.name === null) productionUsers = row.production;
    }
    return assemble(db, rows.filter((r) => r.name !== null), { productionUsers, tableRows, approximate: false });
  }
  let summarized = await summaryAggregates(db, targets);
  // Bounds a delete left wide are narrowed by an index probe, then read again.
  const loose = summarized.filter((r) => r.fallback && r.groups === 1).map((r) => r.name);
  if (loose.length > 0) {
    await tightenUserSummary(db, loose);
    summarized = await summaryAggregates(db, targets);
  }
  const exactFor = summarized.filter((r) => r.fallback).map((r) => r.name);
  const exact = exactFor.length > 0 ? await exactAggregates(db, store, targets, exactFor) : [];
  const rows = [...summarized.filter((r) => !r.fallback), ...exact];
  const counts = await estimateUserRows(db, summarized.reduce((n, r) => n + r.total, 0));
  return assemble(db, rows, counts);
}

interface SummarizedRow extends AggregateRow {
  name: string;
  /** The summary does not settle this population: its rows are read instead. */
  fallback: boolean;
  groups: number;
}

/**
 * Per population from the summary. A desired population is settled when every group of
 * it has the desired username shape and lies within the desired range (every row is then
 * a member, since (population, seq) is unique), and, if it syncs anywhere, carries the
 * desired content hash (the digest is of desired content). Other populations need only
 * their total.
 */
async function summaryAggregates(db: Db, targets: readonly ObservationTarget[]): Promise<SummarizedRow[]> {
  const { rows } = await sql<SummarizedRow & { synced: boolean }>`
    WITH d AS (${desiredRows(targets)})
    SELECT s.population AS name, 0::bigint AS production, sum(s.count)::bigint AS total, count(*)::int AS groups,
           CASE WHEN d.name IS NULL THEN 0 ELSE sum(s.count) END::bigint AS in_range,
           CASE WHEN d.name IS NULL THEN 0 ELSE coalesce(sum(s.count) FILTER (WHERE s.content_hash IS DISTINCT FROM d.hash OR s.expires_at IS DISTINCT FROM d.expires), 0) END::bigint AS stale,
           CASE WHEN d.name IS NULL THEN NULL ELSE min(s.min_seq) END AS min_seq,
           CASE WHEN d.name IS NULL THEN NULL ELSE max(s.max_seq) END AS max_seq,
           '0' AS digest, coalesce(d.synced, false) AS synced,
           d.name IS NOT NULL AND NOT coalesce(bool_and(s.shape = d.prefix || '{id}' || d.suffix AND s.min_seq >= d.lo AND s.max_seq < d.hi
                                                  AND (NOT d.synced OR s.content_hash IS NOT DISTINCT FROM d.hash)), false)
           -- A synced population's digest is read from the memo of its range: its seqs must be
           -- exactly one block (bounds are outer bounds, so a count equal to their span is).
           OR (coalesce(d.synced, false) AND sum(s.count) <> max(s.max_seq) - min(s.min_seq) + 1) AS fallback
    FROM bulk_user_summary s LEFT JOIN d ON d.name = s.population WHERE s.population IS NOT NULL AND s.count <> 0
    GROUP BY s.population, d.name, d.synced ORDER BY s.population`.execute(db);
  // The digest of a synced population settled here is left to memberDigest: it costs an
  // md5 per member on a range not seen before, and a sync needs it only when the target
  // holds as many records as there are members and not as one block of ranges.
  for (const r of rows) {
    if (r.synced && !r.fallback && r.min_seq !== null && r.max_seq !== null) r.block = { lo: r.min_seq, hi: r.max_seq };
  }
  return rows;
}

/**
 * The same aggregates by one pass over the rows: of the populations named, or of the whole
 * table (then with the group of everything else, whose production count the plan reports).
 */
async function exactAggregates(db: Db, store: UserStore, targets: readonly ObservationTarget[], only?: readonly string[]): Promise<AggregateRow[]> {
  const { rows } = await sql<AggregateRow>`
    WITH d AS (${desiredRows(targets)}
    ), m AS (
      SELECT CASE WHEN u.is_test_user AND u.population IS NOT NULL THEN u.population END AS population,
             u.is_test_user, u.seq, u.username, u.content_hash, d.hash, d.synced, (u.expires_at IS DISTINCT FROM d.expires) AS lease_stale,
             ${isMemberOf(sql`u.seq`, sql`u.username`, FROM_D)} AS member
      FROM ${store.rows} u LEFT JOIN d ON d.name = u.population AND u.is_test_user
      ${only ? sql`WHERE u.is_test_user AND u.population = ANY(${[...only]}::text[])` : sql``}
    )
    -- One pass over the table: managed rows grouped by population, and in the group of
    -- everything else, the production users the plan reports as untouched.
    SELECT population AS name,
           count(*) FILTER (WHERE NOT is_test_user)::bigint AS production,
           count(*)::bigint AS total,
           count(*) FILTER (WHERE member)::bigint AS in_range,
           count(*) FILTER (WHERE member AND (content_hash IS DISTINCT FROM hash OR lease_stale))::bigint AS stale,
           min(seq) FILTER (WHERE member) AS min_seq,
           max(seq) FILTER (WHERE member) AS max_seq,
           ${digestSum(digestItem(sql`username`, sql`hash`), sql<boolean>`member AND synced`)} AS digest
    FROM m GROUP BY population`.execute(db);
  return rows;
}

async function assemble(
  db: Db,
  rows: readonly AggregateRow[],
  counts: { productionUsers: number; tableRows: number; approximate: boolean },
): Promise<PopulationAggregates> {
  const records = await db.selectFrom('bulk_populations').selectAll().execute();
  const populations = new Map<string, ObservedPopulation>();
  const present = new Map<string, { min: number; max: number } | undefined>();
  for (const r of records) {
    populations.set(r.name, {
      name: r.name,
      known: true,
      source: r.source,
      phase: r.phase,
      usernamePattern: r.username_pattern,
      deletionPolicy: r.deletion_policy,
      specHash: r.spec_hash,
      settled: r.observed_generation === r.generation,
      leaseStartedAt: r.lease_started_at ? r.lease_started_at.toISOString() : null,
      leaseKey: r.lease_key,
      total: 0,
      inRange: 0,
      stale: 0,
      memberDigest: '0',
    });
  }
  for (const row of rows) {
    if (row.name === null) continue;
    const base = populations.get(row.name) ?? { name: row.name, known: false };
    populations.set(row.name, { ...base, total: row.total, inRange: row.in_range, stale: row.stale, memberDigest: row.block ? undefined : row.digest, ...(row.block ? { memberBlock: row.block } : {}) });
    present.set(row.name, row.min_seq === null || row.max_seq === null ? undefined : { min: row.min_seq, max: row.max_seq });
  }
  return { populations, present, productionUsers: counts.productionUsers, productionUsersApproximate: counts.approximate, tableRows: counts.tableRows };
}


/**
 * The digest of a population's members (see ObservedPopulation.memberDigest), computed from
 * their block, and remembered, when observation left it out.
 */
export async function memberDigest(db: Db, population: ObservedPopulation | undefined, desired: ObservationTarget, opts: { rememberedOnly?: boolean } = {}): Promise<string | null> {
  if (population?.memberDigest !== undefined) return population.memberDigest;
  if (!population?.memberBlock) return '0';
  const range = memberRange(population.memberBlock, desired);
  return opts.rememberedOnly ? rememberedRangeDigest(db, range) : rangeDigest(db, range);
}

/** The members' block as a range of the user summary's remembered digests. */
export function memberRange(block: { lo: number; hi: number }, desired: ObservationTarget): DigestRange {
  return { prefix: desired.spec.pattern.prefix, suffix: desired.spec.pattern.suffix, contentHash: desired.contentHash, ...block };
}

/**
 * Seq ranges worth searching for missing members. When the present members form one
 * contiguous block (the usual case after create or scale), only the ends are searched,
 * so a scale-up of a large population costs the size of the increase.
 */
export function candidateRanges(lo: number, hi: number, inRange: number, present: { min: number; max: number } | undefined): SeqRange[] {
  if (hi <= lo) return [];
  if (!present || inRange === 0) return [[lo, hi - 1]];
  if (present.max - present.min + 1 !== inRange) return [[lo, hi - 1]];
  const out: SeqRange[] = [];
  if (present.min > lo) out.push([lo, present.min - 1]);
  if (present.max < hi - 1) out.push([present.max + 1, hi - 1]);
  return out;
}

const CONFLICT_SAMPLE = 100;

/**
 * Looking a generated username up in the unique index costs about five times what reading
 * one row of a sequential scan does (0.85 µs against 0.16 µs, on a table of 1M users);
 * below this many table rows per searched seq, one pass over the table for usernames of
 * the pattern is the cheaper way to find holders.
 */
const SCAN_ROWS_PER_SEQ = 5;

/**
 * Missing members of one population as ranges of seqs, minus usernames already held by
 * someone else (a production user, another population, an unmanaged test row). A row the
 * same plan deletes does not block: one of a `released` population (spec removed), or one
 * that is not a member of its own population's desired state (scaled away, old pattern),
 * since apply runs every delete before any create.
 *
 * Only the holders of usernames in the searched ranges are classified, and the ranges to
 * create are the gaps between those that block, so the work after finding the holders is
 * proportional to them, not to the size of the search. Holders are found by probing the
 * username index with every generated username, or, when the table is small next to the
 * search (a first create, say), by one pass over the table for usernames of the pattern.
 */
export async function observeGaps(
  db: Db,
  store: UserStore,
  target: ObservationTarget,
  search: readonly SeqRange[],
  released: readonly string[],
  desired: readonly ObservationTarget[],
  tableRows = Infinity,
): Promise<CreateGaps> {
  if (search.length === 0) return { ranges: [], count: 0, conflicts: [], conflictCount: 0 };
  const { name, pattern } = target.spec;
  const searched = search.reduce((n, [a, b]) => n + (b - a + 1), 0);
  const holders =
    tableRows <= searched * SCAN_ROWS_PER_SEQ
      ? sql`SELECT x.seq, u.username, u.population, u.is_test_user, u.seq AS seq_own
            FROM ${store.rows} u
              CROSS JOIN LATERAL (SELECT ${seqOfUsername(sql`u.username`, pattern)} AS seq) x
              JOIN r ON x.seq BETWEEN r.lo AND r.hi`
      : sql`SELECT s AS seq, u.username, u.population, u.is_test_user, u.seq AS seq_own FROM r
              CROSS JOIN LATERAL generate_series(r.lo, r.hi) AS s
              JOIN ${store.rows} u ON u.username = ${pattern.prefix} || s::text || ${pattern.suffix}`;
  const { rows } = await sql<{ kind: string; a: number | null; b: number | null; holder_pop: string | null; holder_test: boolean | null; n: number }>`
    WITH d AS (${desiredRows(desired)}), r AS (
      SELECT * FROM unnest(${search.map((x) => x[0])}::bigint[], ${search.map((x) => x[1])}::bigint[]) AS r(lo, hi)
    ), h AS (${holders}
    ), k AS (
      SELECT h.seq, h.population AS holder_pop, h.is_test_user AS holder_test, CASE
        WHEN h.is_test_user AND h.population = ${name} AND h.seq IS NOT DISTINCT FROM h.seq_own THEN 'present'
        WHEN h.is_test_user AND (h.population = ${name} OR h.population = ANY(${released as string[]}::text[])
             OR (d.name IS NOT NULL AND NOT ${isMemberOf(sql`h.seq_own`, sql`h.username`, FROM_D)})) THEN 'leaving'
        ELSE 'conflict' END AS kind
      FROM h
      LEFT JOIN d ON d.name = h.population AND h.is_test_user
    ), e AS (
      -- Blocked seqs plus a sentinel at each end of every searched range; the ranges to
      -- create are the gaps between consecutive ones.
      SELECT r.lo, k.seq FROM k JOIN r ON k.seq BETWEEN r.lo AND r.hi WHERE k.kind <> 'leaving'
      UNION ALL SELECT lo, lo - 1 FROM r
      UNION ALL SELECT lo, hi + 1 FROM r
    ), g AS (
      SELECT seq + 1 AS a, lead(seq) OVER (PARTITION BY lo ORDER BY seq) - 1 AS b FROM e
    )
    SELECT 'range' AS kind, a, b, NULL::text AS holder_pop, NULL::boolean AS holder_test, (b - a + 1)::bigint AS n FROM g WHERE b >= a
    UNION ALL
    (SELECT 'conflict', seq, seq, holder_pop, holder_test, 1 FROM k WHERE kind = 'conflict' ORDER BY seq LIMIT ${CONFLICT_SAMPLE})
    UNION ALL
    SELECT 'conflicts', NULL, NULL, NULL, NULL, count(*)::bigint FROM k WHERE kind = 'conflict'`.execute(db);

  const ranges: SeqRange[] = [];
  const conflicts: Conflict[] = [];
  let count = 0;
  let conflictCount = 0;
  for (const row of rows) {
    if (row.kind === 'range') {
      ranges.push([row.a!, row.b!]);
      count += row.n;
    } else if (row.kind === 'conflict') {
      const heldBy: ConflictHolder = !row.holder_test ? 'production' : row.holder_pop ? 'other-population' : 'unmanaged-test-user';
      conflicts.push({
        population: name,
        seq: row.a!,
        username: `${pattern.prefix}${row.a}${pattern.suffix}`,
        heldBy,
        ...(heldBy === 'other-population' ? { holderPopulation: row.holder_pop! } : {}),
      });
    } else {
      conflictCount = row.n;
    }
  }
  ranges.sort((x, y) => x[0] - y[0]);
  return { ranges, count, conflicts, conflictCount };
}
