import { sql, type RawBuilder } from 'kysely';
import { digestItem, digestMod, spanItemsSql } from './digestSql.ts';
import { LOCK_KEYS } from './lockKeys.ts';
import { seqOfUsernameSql } from './memberSql.ts';
import type { Db } from './openDatabase.ts';

/**
 * A run of records a target holds: prefix || s || suffix for every s in [lo, hi] of one
 * population, all with one content hash (a row of bulk_sync_ranges, migration 0010).
 */
export interface SyncRange {
  population: string;
  prefix: string;
  suffix: string;
  lo: number;
  hi: number;
  content_hash: string;
}

/** A population's username pattern: prefix || seq || suffix. */
export interface UsernameShape {
  prefix: string;
  suffix: string;
}

/**
 * Fewest consecutive records kept as a range rather than as rows: below it, the range's row
 * and its digest cost about what the rows do, and a split is more likely.
 */
export const MIN_RANGE = 16;

/** The ranges with those that continue one another (chunks recorded together) joined: fewer ranges, one digest each. */
export function joinAdjacent(ranges: readonly SyncRange[]): SyncRange[] {
  const out: SyncRange[] = [];
  for (const r of [...ranges].sort((a, b) => a.lo - b.lo)) {
    const last = out[out.length - 1];
    if (last && last.hi + 1 === r.lo && last.content_hash === r.content_hash && last.population === r.population && last.prefix === r.prefix && last.suffix === r.suffix) {
      last.hi = r.hi;
    } else out.push({ ...r });
  }
  return out;
}

/**
 * Records the ranges, each with its digest: given (a range trimmed from a known one), or
 * computed by PostgreSQL (an md5 per record).
 */
export async function insertRanges(db: Db, target: string, ranges: readonly (SyncRange & { updated_at?: Date; digest?: string })[]): Promise<void> {
  if (ranges.length === 0) return;
  const col = <K extends keyof SyncRange>(k: K) => ranges.map((r) => r[k]);
  await sql`
    INSERT INTO bulk_sync_ranges (target, population, prefix, suffix, lo, hi, content_hash, digest, updated_at)
    SELECT ${target}, x.population, x.prefix, x.suffix, x.lo, x.hi, x.content_hash,
           coalesce(x.digest, ${digestMod(spanItemsSql(sql`x.prefix`, sql`x.suffix`, sql`x.content_hash`, sql`x.lo`, sql`x.hi`))}),
           coalesce(x.updated_at, now())
    FROM unnest(${col('population') as string[]}::text[], ${col('prefix') as string[]}::text[], ${col('suffix') as string[]}::text[],
                ${col('lo') as number[]}::bigint[], ${col('hi') as number[]}::bigint[], ${col('content_hash') as string[]}::text[],
                ${ranges.map((r) => r.updated_at ?? null)}::timestamptz[], ${ranges.map((r) => r.digest ?? null)}::numeric[])
      AS x(population, prefix, suffix, lo, hi, content_hash, updated_at, digest)`.execute(db);
}

/**
 * Which ranges of a target cover which of `names` (an SQL query whose rows have a column
 * `username`): rows (population, prefix, suffix, lo, seq), lo being the covering range's
 * key. Each username is tried against every pattern the target's ranges use (a handful);
 * then the names' seqs and the ranges that can contain them are merged in one sort per
 * pattern, each name taking the last range that starts at or before it. (A probe of the
 * index per name, the greatest start below its seq, cost about 27 µs: half a minute for
 * the deletes of a scale-down of 500,000.) `except` leaves out one population's pattern.
 */
function coveringSql(target: string, names: RawBuilder<unknown>, except?: { population: string } & UsernameShape): RawBuilder<unknown> {
  const skip = except ? sql`AND (population, prefix, suffix) IS DISTINCT FROM (${except.population}, ${except.prefix}, ${except.suffix})` : sql``;
  return sql`
    WITH sh AS (
      SELECT DISTINCT population, prefix, suffix FROM bulk_sync_ranges WHERE target = ${target} ${skip}
    ), c AS (
      SELECT * FROM (
        SELECT DISTINCT sh.population, sh.prefix, sh.suffix, ${seqOfUsernameSql(sql`n.username`, sql`sh.prefix`, sql`sh.suffix`)} AS seq
        FROM (${names}) n CROSS JOIN sh) x
      WHERE seq IS NOT NULL
    ), span AS (
      SELECT population, prefix, suffix, min(seq) AS first, max(seq) AS last FROM c GROUP BY 1, 2, 3
    ), ev AS (
      SELECT r.population, r.prefix, r.suffix, r.lo AS pos, 0 AS kind, r.lo, r.hi
      FROM span b JOIN bulk_sync_ranges r
        ON r.target = ${target} AND r.population = b.population AND r.prefix = b.prefix AND r.suffix = b.suffix AND r.lo <= b.last AND r.hi >= b.first
      UNION ALL
      SELECT population, prefix, suffix, seq, 1, NULL, NULL FROM c
    )
    SELECT population, prefix, suffix, at_lo AS lo, pos AS seq FROM (
      SELECT ev.*, max(lo) OVER w AS at_lo, max(hi) OVER w AS at_hi FROM ev
      WINDOW w AS (PARTITION BY population, prefix, suffix ORDER BY pos, kind)
    ) m
    WHERE kind = 1 AND pos <= at_hi`;
}

/**
 * Takes `names` (an SQL query with a column `username`) out of every range of the target
 * that covers them: such a range is replaced by the pieces around them, each with its own
 * digest (so the cost is the size of the ranges split, once per call however many names
 * fall in one). Afterwards none of the names is held through a range, and the caller may
 * write their rows. Splits of one target are serialized by a transaction-scoped lock, so
 * two writers cannot split one range twice; a call that finds nothing to split takes no
 * lock, and neither does a transaction that will be rolled back (a dry run, which has the
 * sync summary off): what it splits is never seen by anyone else.
 */
export async function uncoverRanges(db: Db, target: string, names: RawBuilder<unknown>, except?: { population: string } & UsernameShape): Promise<void> {
  const covering = coveringSql(target, names, except);
  const { rows: probe } = await sql`SELECT 1 FROM (${covering}) x LIMIT 1`.execute(db);
  if (probe.length === 0) return;
  // Two int4 keys: a space of their own, apart from the single-key locks of LOCK_KEYS.
  await sql`SELECT pg_advisory_xact_lock(${LOCK_KEYS.syncRangeSplits}, hashtext(${target}))
            WHERE coalesce(current_setting('bulk_users.sync_summary', true), '') <> 'off'`.execute(db);
  // A fresh statement after the lock: it sees every split committed before.
  // Per range split: its seqs named (cuts), and the digest of what is left (its own less
  // the cuts' items), which is the digest of the piece when only one piece is left: a
  // range trimmed at an end, as deletes and re-sends in seq order do, costs its cuts.
  const { rows } = await sql<SyncRange & { updated_at: Date; cuts: string; rest: string }>`
    WITH hit AS (${covering}),
    cut AS (
      SELECT population, prefix, suffix, lo, array_agg(DISTINCT seq) AS seqs FROM hit GROUP BY 1, 2, 3, 4
    ), gone AS (
      DELETE FROM bulk_sync_ranges r USING cut k
      WHERE r.target = ${target} AND r.population = k.population AND r.prefix = k.prefix AND r.suffix = k.suffix AND r.lo = k.lo
      RETURNING r.population, r.prefix, r.suffix, r.lo, r.hi, r.content_hash, r.updated_at, r.digest)
    SELECT g.population, g.prefix, g.suffix, g.lo, g.hi, g.content_hash, g.updated_at, array_to_string(k.seqs, ',') AS cuts,
           (${digestMod(sql`g.digest - i.items`)})::text AS rest
    FROM gone g JOIN cut k USING (population, prefix, suffix, lo)
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(${digestItem(sql`g.prefix || s::text || g.suffix`, sql`g.content_hash`)}), 0) AS items FROM unnest(k.seqs) s) i`.execute(db);
  const pieces: (SyncRange & { updated_at: Date; digest?: string })[] = [];
  for (const { cuts: list, rest, ...g } of rows) {
    const cuts = list
      .split(',')
      .map(Number)
      .sort((a, b) => a - b);
    const mine: (SyncRange & { updated_at: Date; digest?: string })[] = [];
    let from = g.lo;
    for (const c of [...cuts, g.hi + 1]) {
      if (c > from) mine.push({ ...g, lo: from, hi: c - 1 });
      from = c + 1;
    }
    if (mine.length === 1) mine[0]!.digest = rest;
    pieces.push(...mine);
  }
  await insertRanges(db, target, pieces);
}

/**
 * Turns the rows of a population that are runs of at least MIN_RANGE consecutive members
 * of its pattern with one content hash into ranges: after a drift repair, which records
 * what it listed one row per record (a run stopped between sending chunks and recording
 * them leaves their records to be found that way, across every bucket).
 */
export async function compactRows(db: Db, target: string, population: string, shape: UsernameShape): Promise<void> {
  await sql`
    WITH r AS (
      SELECT s.username, s.content_hash, ${seqOfUsernameSql(sql`s.username`, sql`${shape.prefix}::text`, sql`${shape.suffix}::text`)} AS seq
      FROM bulk_sync_state s WHERE s.target = ${target} AND s.population = ${population}
    ), g AS (
      SELECT r.*, r.seq - row_number() OVER (PARTITION BY r.content_hash ORDER BY r.seq) AS grp FROM r WHERE r.seq IS NOT NULL
    ), isl AS (
      SELECT content_hash, grp, min(seq) AS lo, max(seq) AS hi FROM g GROUP BY content_hash, grp HAVING count(*) >= ${MIN_RANGE}
    ), moved AS (
      DELETE FROM bulk_sync_state s USING g JOIN isl USING (content_hash, grp) WHERE s.target = ${target} AND s.username = g.username
    )
    INSERT INTO bulk_sync_ranges (target, population, prefix, suffix, lo, hi, content_hash, digest)
    SELECT ${target}, ${population}, ${shape.prefix}, ${shape.suffix}, lo, hi, content_hash,
           ${digestMod(spanItemsSql(sql`${shape.prefix}::text`, sql`${shape.suffix}::text`, sql`content_hash`, sql`lo`, sql`hi`))}
    FROM isl`.execute(db);
}

/**
 * How many usernames of the seqs lo..hi of this shape the target holds through ranges with
 * this content hash, and their digest (the sum of the ranges'). A count equal to the
 * population's member count and to all the target holds of it says the target holds
 * exactly the members (a username is held once), and the digest is then the members'.
 * O(ranges of the population).
 */
export async function heldInBlock(db: Db, target: string, population: string, shape: UsernameShape, contentHash: string, block: { lo: number; hi: number }): Promise<{ count: number; digest: string }> {
  const { rows } = await sql<{ n: string; digest: string }>`
    SELECT coalesce(sum(hi - lo + 1), 0)::text AS n, (${digestMod(sql`coalesce(sum(digest), 0)`)})::text AS digest FROM bulk_sync_ranges
    WHERE target = ${target} AND population = ${population} AND prefix = ${shape.prefix} AND suffix = ${shape.suffix}
      AND content_hash = ${contentHash} AND lo >= ${block.lo} AND hi <= ${block.hi}`.execute(db);
  return { count: Number(rows[0]!.n), digest: rows[0]!.digest };
}

/** Whether the target has ranges of any pattern but this population's (which a username of it could fall in). */
export async function hasForeignRanges(db: Db, target: string, population: string, shape: UsernameShape): Promise<boolean> {
  const { rows } = await sql`
    SELECT 1 FROM bulk_sync_ranges WHERE target = ${target} AND (population, prefix, suffix) IS DISTINCT FROM (${population}, ${shape.prefix}, ${shape.suffix}) LIMIT 1`.execute(db);
  return rows.length > 0;
}

/** `names` as the SQL query uncoverRanges takes. */
export function namesSql(usernames: readonly string[]): RawBuilder<unknown> {
  return sql`SELECT unnest(${usernames as string[]}::text[]) AS username`;
}

/**
 * Consecutive records of one content hash, each with the username the population's pattern
 * gives for its seq, as ranges of at least MIN_RANGE; the rest one by one. `rows` are of
 * one population, in seq order. `misfits` are the rows whose username is not the one the
 * pattern gives for their seq.
 */
export function splitIntoRanges<R extends { seq: number; username: string; population: string; content_hash: string }>(
  rows: readonly R[],
  shape: UsernameShape,
): { ranges: SyncRange[]; singles: R[]; rangeRows: R[]; misfits: R[] } {
  const ranges: SyncRange[] = [];
  const singles: R[] = [];
  const rangeRows: R[] = [];
  const misfits: R[] = [];
  let run: R[] = [];
  const close = (): void => {
    if (run.length >= MIN_RANGE) {
      const first = run[0]!;
      ranges.push({ population: first.population, prefix: shape.prefix, suffix: shape.suffix, lo: first.seq, hi: run[run.length - 1]!.seq, content_hash: first.content_hash });
      rangeRows.push(...run);
    } else singles.push(...run);
    run = [];
  };
  for (const r of rows) {
    if (r.username !== `${shape.prefix}${r.seq}${shape.suffix}`) {
      close();
      singles.push(r);
      misfits.push(r);
      continue;
    }
    const last = run[run.length - 1];
    if (last && !(last.content_hash === r.content_hash && last.seq + 1 === r.seq)) close();
    run.push(r);
  }
  close();
  return { ranges, singles, rangeRows, misfits };
}
