import { sql, type RawBuilder } from 'kysely';
import type { SetDigest } from '../targets/SyncTargetDriver.ts';
import { bucketOf, digestItem, digestMod, recordsDigestSql } from './digestSql.ts';
import { isMember, type MemberShape } from './memberSql.ts';
import type { Db } from './openDatabase.ts';
import { compactRows, insertRanges, joinAdjacent, MIN_RANGE, namesSql, splitIntoRanges, uncoverRanges, type SyncRange, type UsernameShape } from './syncRanges.ts';
import type { UserStore } from './userStore/UserStore.ts';
import { usernameFor } from '../spec/usernamePattern.ts';

/*
 * The sync state of a target is two tables (migration 0010): bulk_sync_state, a row per
 * record, and bulk_sync_ranges, a row per run of consecutive records of a population's
 * pattern. A username is held through at most one of them. The view bulk_sync_records
 * spells out both, one row per record.
 */

/**
 * For the rest of a transaction that will be rolled back, writes to the sync state leave
 * bulk_sync_summary alone (and take none of its row locks); syncAggregates then reads the
 * state itself. Only for a transaction that never commits: committed writes would leave
 * the summary behind the state.
 */
export async function suspendSyncSummary(trx: Db): Promise<void> {
  await sql`SET LOCAL bulk_users.sync_summary = off`.execute(trx);
}

/**
 * Count and digest per population of what the sync state says a target holds: one row per
 * population of bulk_sync_summary, which triggers keep in step with every statement that
 * changes the sync state (migration 0006), not a pass over the state. In a transaction that
 * turned the summary off (a dry run's drift repair), the summary would not show its own
 * writes, so the state is aggregated instead; the branch not taken is never executed.
 */
export async function syncAggregates(db: Db, target: string): Promise<Map<string, SetDigest>> {
  const off = sql<boolean>`coalesce(current_setting('bulk_users.sync_summary', true), '') = 'off'`;
  const { rows } = await sql<{ population: string; count: number; digest: string }>`
    SELECT population, count, digest::text AS digest FROM bulk_sync_summary WHERE target = ${target} AND count > 0 AND NOT ${off}
    UNION ALL
    SELECT population, sum(n)::bigint, (${digestMod(sql`sum(d)`)})::text FROM (
      SELECT population, 1 AS n, ${digestItem(sql`username`, sql`content_hash`)}::numeric AS d FROM bulk_sync_state WHERE target = ${target} AND ${off}
      UNION ALL
      SELECT population, hi - lo + 1, digest FROM bulk_sync_ranges WHERE target = ${target} AND ${off}) x
    GROUP BY population`.execute(db);
  return new Map(rows.map((r) => [r.population, { count: r.count, digest: r.digest }]));
}

export async function syncBucketDigests(db: Db, target: string, population: string, buckets: number): Promise<Map<number, SetDigest>> {
  const { rows } = await sql<{ bucket: number; count: number; digest: string }>`
    SELECT ${bucketOf(sql`username`, buckets)} AS bucket, count(*)::bigint AS count,
           ${recordsDigestSql} AS digest
    FROM bulk_sync_records WHERE target = ${target} AND population = ${population} GROUP BY 1`.execute(db);
  return new Map(rows.map((r) => [r.bucket, { count: r.count, digest: r.digest }]));
}

/**
 * Makes the sync state of some buckets say exactly what the target listed for them, and
 * returns how many records differed (lost, altered or unknown to us). The normal diff
 * then sends exactly those.
 */
export async function replaceSyncBuckets(
  db: Db,
  target: string,
  population: string,
  buckets: number,
  bucketList: readonly number[],
  listed: readonly { username: string; content_hash: string }[],
  /** The population's pattern, when it is still desired: runs of its members listed are kept as ranges again. */
  shape?: UsernameShape,
): Promise<number> {
  const inBuckets = sql<boolean>`target = ${target} AND population = ${population} AND ${bucketOf(sql`username`, buckets)} = ANY(${bucketList as number[]}::int[])`;
  const { rows } = await sql<{ n: number }>`
    WITH old AS (
      SELECT username, content_hash FROM bulk_sync_records WHERE ${inBuckets}
    ), new AS (
      SELECT * FROM unnest(${listed.map((r) => r.username)}::text[], ${listed.map((r) => r.content_hash)}::text[]) AS n(username, content_hash)
    )
    SELECT count(*)::bigint AS n FROM old FULL JOIN new USING (username)
    WHERE old.content_hash IS DISTINCT FROM new.content_hash`.execute(db);
  // The records of those buckets held through ranges leave them (the ranges split around
  // them); then the buckets hold exactly what was listed, one row per record.
  await uncoverRanges(db, target, sql`SELECT username FROM bulk_sync_records WHERE ${inBuckets}`);
  await sql`DELETE FROM bulk_sync_state WHERE ${inBuckets}`.execute(db);
  await markSynced(db, target, listed.map((r) => ({ ...r, population })));
  if (shape) await compactRows(db, target, population, shape);
  return rows[0]?.n ?? 0;
}

/** Forgets everything the sync state says about a target (its content can no longer be trusted). */
export async function clearSyncState(db: Db, target: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    WITH a AS (DELETE FROM bulk_sync_state WHERE target = ${target} RETURNING 1 AS n),
    b AS (DELETE FROM bulk_sync_ranges WHERE target = ${target} RETURNING hi - lo + 1 AS n)
    SELECT coalesce((SELECT sum(n) FROM a), 0) + coalesce((SELECT sum(n) FROM b), 0) AS n`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Members of a population the target lacks, or holds with another content hash than `desiredHash`. */
export async function countUnsynced(
  db: Db,
  store: UserStore,
  target: string,
  population: string,
  shape: MemberShape,
  desiredHash: string,
  /** What observation knows of the members: their count, and their seqs when they are one block. */
  known?: { members: number; block?: { lo: number; hi: number } },
): Promise<number> {
  // The members, less those held as they are: through a range of the pattern with the
  // desired content (every member in it, since a member's username is the pattern's for
  // its seq: a count over the users' (population, seq) index per range, or the overlap
  // with the members' block), or through a row (a probe of the users per row). A username
  // is held through one or the other, never both.
  const members = (extra: RawBuilder<unknown>) => sql`SELECT count(*) FROM ${store.rows} u WHERE u.is_test_user = true AND u.population = ${population} AND ${isMember(shape, 'u')} ${extra}`;
  const inRange = known?.block
    ? sql`greatest(0, least(r.hi, ${known.block.hi}::bigint) - greatest(r.lo, ${known.block.lo}::bigint) + 1)`
    : sql`(${members(sql`AND u.seq BETWEEN r.lo AND r.hi`)})`;
  const { rows } = await sql<{ n: number }>`
    SELECT (${known ? sql`${known.members}::bigint` : sql`(${members(sql``)})`}
      - coalesce((SELECT sum(${inRange}) FROM bulk_sync_ranges r
                  WHERE r.target = ${target} AND r.population = ${population} AND r.prefix = ${shape.pattern.prefix} AND r.suffix = ${shape.pattern.suffix}
                    AND r.content_hash = ${desiredHash}), 0)
      - (SELECT count(*) FROM bulk_sync_state s JOIN ${store.rows} u ON u.username = s.username
         WHERE s.target = ${target} AND s.population = ${population} AND s.content_hash = ${desiredHash}
           AND u.is_test_user = true AND u.population = ${population} AND ${isMember(shape, 'u')}))::bigint AS n`.execute(db);
  return rows[0]?.n ?? 0;
}

/** Records the target holds for a population that are not (or will not stay) its members. */
export async function countExtra(db: Db, store: UserStore, target: string, population: string, shape: MemberShape): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::bigint AS n FROM bulk_sync_records s
    WHERE s.target = ${target} AND s.population = ${population}
      AND NOT EXISTS (
        SELECT 1 FROM ${store.rows} u
        WHERE u.username = s.username AND u.is_test_user = true AND u.population = ${population} AND ${isMember(shape, 'u')})`.execute(db);
  return rows[0]?.n ?? 0;
}

export interface SyncCandidate {
  seq: number;
  username: string;
  email: string | null;
  population: string;
  content_hash: string;
  attributes: Record<string, unknown> | null;
}

/** A row to send, and whether the target holds its username at all (in another version). */
export interface UnsyncedCandidate extends SyncCandidate {
  held: boolean;
}

/** What recording a sent row in the sync state needs of it. */
export type SentRow = Pick<UnsyncedCandidate, 'seq' | 'username' | 'population' | 'content_hash' | 'held'>;

/**
 * The rows of a population with a seq in (cursor, cursor + window], and those of them the
 * target does not hold as they are. Scanning a bounded window first keeps each query to
 * index probes; an anti-join over the whole population per chunk would read every row
 * each time. `last` is where the next window starts (just before the next row's seq, so
 * a gap in the seqs is skipped at once); `done` when the population is exhausted.
 */
export async function nextUnsyncedWindow(
  db: Db,
  store: UserStore,
  target: string,
  population: string,
  shape: UsernameShape,
  cursor: number,
  window: number,
  /**
   * The e-mail address of a member as its username followed by this ('' when the username
   * is the address); given when the target takes runs (SyncTargetDriver.RecordRuns).
   */
  emailSuffix?: string,
): Promise<{ rows: UnsyncedCandidate[]; runs: SeqRun[]; last: number; done: boolean }> {
  // Only the rows to send cross the wire, plus one row saying how far the window reached.
  // A row is sent unless the target's state row for its username (at most one: the
  // primary key) has its population and content hash. Asked as a scalar subquery on the
  // primary key alone, so it stays one index probe per window row whatever the statistics
  // say. As NOT EXISTS (…) it was planned as an anti-join hashing the target's whole sync
  // state for every window (a sequential scan of up to N rows per window: a full sync grew
  // as N² / window, 55 ms per window at 100,000 synced records against 17 ms probing); and
  // with population among its conditions, on a state never analysed, as a scan of the
  // (target, population) index per row.
  //
  // The ranges are read once per window, not probed per row (a probe of their index for
  // the greatest start below a seq cost about 27 µs, ten times a primary-key probe): the
  // ones starting inside the window and the one before it, spelled out over the window's
  // seqs and hash-joined to its rows. h is computed once per row (inlined, PostgreSQL
  // evaluated the probes again for the select list).
  //
  // The window is a range of seqs, not `ORDER BY seq LIMIT n`: on a users table without
  // statistics yet (just filled, autovacuum not round), the planner took the LIMIT for
  // most of a small table and read every row after the cursor through a bitmap, then
  // sorted: a full sync of 1M took 73 s instead of 19. Read either way, a range of seqs is
  // at most `window` rows ((population, seq) is unique).
  //
  // Rows carry only what differs between them: the content hash and the attributes (as
  // JSON text) of the window's first row come once, on the end row, and a row with that
  // hash (`first`, NULL included) comes without either (rows with one content hash carry
  // the same attributes: the hash covers them).
  //
  // With `emailSuffix`, the rows the target does not hold at all that are what the pattern
  // and the first row's content give for their seq (username, e-mail address, content
  // hash) come as runs of consecutive seqs (`run` rows: lo in seq, hi in run_hi), at least
  // MIN_RANGE long, or shorter at either end of the window, where they most likely go on
  // in the next or the last window (as rows, the few members of a population's last
  // window made its sync state more than ranges, and every later run digest the members):
  // a first sync then reads a row per 2,500 members instead of each one, and sends the
  // target a pattern instead of their names (docs/load-tester-protocol.md).
  const range = sql`r.target = ${target} AND r.population = ${population} AND r.prefix = ${shape.prefix} AND r.suffix = ${shape.suffix}`;
  // Whether a row's username is the one the pattern gives for its seq.
  const fits = (t: string) => sql`${sql.ref(`${t}.username`)} = ${shape.prefix}::text || ${sql.ref(`${t}.seq`)}::text || ${shape.suffix}::text`;
  const runsOn = emailSuffix === undefined ? sql`false` : sql`h.state IS NULL AND h.content_hash = (SELECT content_hash FROM f)
    AND ${fits('h')} AND h.email = h.username || ${emailSuffix}::text`;
  const { rows } = await sql<Omit<UnsyncedCandidate, 'attributes' | 'population'> & { first: boolean | null; attributes: string | null; kind: 'row' | 'run' | 'end'; run_hi: number | null }>`
    WITH w AS (
      SELECT u.seq, u.username, u.email, u.content_hash, u.attributes FROM ${store.rows} u
      WHERE u.is_test_user = true AND u.population = ${population} AND u.seq > ${cursor} AND u.seq <= ${cursor + window}
    ), top AS (
      SELECT max(seq) AS seq FROM w
    ), f AS (
      SELECT w.content_hash, w.attributes FROM w ORDER BY w.seq LIMIT 1
    ), rr AS (
      SELECT r.lo, r.hi, r.content_hash FROM bulk_sync_ranges r WHERE ${range} AND r.lo > ${cursor} AND r.lo <= (SELECT seq FROM top)
      UNION ALL
      (SELECT r.lo, r.hi, r.content_hash FROM bulk_sync_ranges r WHERE ${range} AND r.lo <= ${cursor} ORDER BY r.lo DESC LIMIT 1)
    ), cov AS (
      SELECT s AS seq, rr.content_hash FROM rr CROSS JOIN LATERAL generate_series(greatest(rr.lo, ${cursor} + 1), least(rr.hi, (SELECT seq FROM top))) s
    ), h AS MATERIALIZED (
      SELECT w.*, coalesce(
        (SELECT CASE WHEN s.population = ${population} AND s.content_hash = w.content_hash THEN 'same' ELSE 'other' END
         FROM bulk_sync_state s WHERE s.target = ${target} AND s.username = w.username),
        CASE WHEN c.content_hash IS NOT NULL AND ${fits('w')}
             THEN CASE WHEN c.content_hash = w.content_hash THEN 'same' ELSE 'other' END END) AS state
      FROM w LEFT JOIN cov c ON c.seq = w.seq
    ), e AS (
      SELECT h.seq, h.seq - row_number() OVER (ORDER BY h.seq) AS grp FROM h WHERE ${runsOn}
    ), runs AS (
      SELECT min(seq) AS lo, max(seq) AS hi FROM e GROUP BY grp
      HAVING count(*) >= ${MIN_RANGE} OR min(seq) = (SELECT min(seq) FROM w) OR max(seq) = (SELECT seq FROM top)
    )
    SELECT h.seq, h.username, h.email, d.first AS first,
           CASE WHEN d.first THEN NULL ELSE h.content_hash END AS content_hash,
           CASE WHEN d.first THEN NULL ELSE h.attributes::text END AS attributes,
           h.state IS NOT NULL AS held, 'row' AS kind, NULL::bigint AS run_hi
    FROM h CROSS JOIN LATERAL (SELECT h.content_hash IS NOT DISTINCT FROM (SELECT content_hash FROM f) AS first) d
    WHERE h.state IS DISTINCT FROM 'same' AND NOT EXISTS (SELECT 1 FROM runs WHERE h.seq BETWEEN runs.lo AND runs.hi)
    UNION ALL
    SELECT lo, NULL, NULL, NULL, NULL, NULL, NULL, 'run', hi FROM runs
    UNION ALL
    SELECT (SELECT min(u.seq) FROM ${store.rows} u WHERE u.is_test_user = true AND u.population = ${population} AND u.seq > ${cursor + window}),
           NULL, NULL, NULL, (SELECT content_hash FROM f), (SELECT attributes::text FROM f), NULL, 'end', NULL`.execute(db);
  const end = rows.find((r) => r.kind === 'end')!;
  const window_ = rows.filter((r) => r.kind === 'row') as unknown as (UnsyncedCandidate & { first: boolean })[];
  // Fields are filled in place, equal values sharing one string or object: a copy of
  // every row would be a window's worth of garbage.
  const parse = (t: string | null) => (t === null ? null : (JSON.parse(t) as Record<string, unknown>));
  const first = { content_hash: end.content_hash, attributes: parse(end.attributes) };
  let text: string | null | undefined;
  let attributes: UnsyncedCandidate['attributes'] = null;
  for (const r of window_) {
    r.population = population;
    if (r.first) {
      r.content_hash = first.content_hash;
      r.attributes = first.attributes;
      continue;
    }
    const t = r.attributes as unknown as string | null;
    if (t !== text) {
      text = t;
      attributes = parse(t);
    }
    r.attributes = attributes;
  }
  const runs = rows.filter((r) => r.kind === 'run').map((r): SeqRun => ({ lo: Number(r.seq), hi: Number(r.run_hi), content_hash: first.content_hash, attributes: first.attributes }));
  return {
    // Sorted here: the hash join does not keep the window's order, and PostgreSQL sorting
    // the wide rows cost a quarter of the query.
    rows: window_.sort((a, b) => a.seq - b.seq),
    runs: runs.sort((a, b) => a.lo - b.lo),
    last: end.seq == null ? cursor + window : end.seq - 1,
    done: end.seq == null,
  };
}

/** Members lo..hi of a population's pattern, none held by the target, all with one content. */
export interface SeqRun {
  lo: number;
  hi: number;
  content_hash: string;
  attributes: Record<string, unknown> | null;
}

/** Next chunk of every row of some populations, for rewriting a snapshot target whole. */
export async function nextRowsChunk(db: Db, store: UserStore, populations: readonly string[], after: { population: string; seq: number }, limit: number): Promise<SyncCandidate[]> {
  const { rows } = await sql<SyncCandidate>`
    SELECT u.seq, u.username, u.email, u.population, u.content_hash, u.attributes FROM ${store.rows} u
    WHERE u.is_test_user = true AND u.population = ANY(${populations as string[]}::text[])
      AND (u.population, u.seq) > (${after.population}, ${after.seq})
    ORDER BY u.population, u.seq LIMIT ${limit}`.execute(db);
  return rows;
}

/** Where a search of what a target holds has reached: its rows by username, then its ranges in key order. */
export type ExtraCursor = { phase: 'rows'; username: string } | { phase: 'ranges'; after: RangeKey | null };
type RangeKey = { population: string; prefix: string; suffix: string; lo: number };

export const EXTRA_START: ExtraCursor = { phase: 'rows', username: '' };

/**
 * A window of about `window` records a target holds after `cursor`, and those of them that
 * belong to none of `populations` in the database: deleted users, users of populations that
 * no longer sync there. Records of `frozen` populations are left where they are. Bounded
 * like nextUnsyncedWindow. The records held through rows come first (by username), then
 * those of the ranges, range by range in seq order (so the deletes a scale-down finds
 * there are consecutive, and trim ranges rather than split them).
 */
export async function nextExtraWindow(
  db: Db,
  store: UserStore,
  target: string,
  populations: readonly string[],
  frozen: readonly string[],
  cursor: ExtraCursor,
  window: number,
): Promise<{ usernames: string[]; last: ExtraCursor; done: boolean }> {
  // Probed per record by username, as nextUnsyncedWindow probes the sync state: as NOT
  // EXISTS the planner hashed every member of `populations` for each window (87 ms a window
  // at 200,000 users).
  const notMember = (w: string) => sql`${sql.ref(`${w}.population`)} <> ALL(${frozen as string[]}::text[]) AND (
      SELECT bool_or(u.is_test_user = true AND u.population = ANY(${populations as string[]}::text[])) FROM ${store.rows} u
      WHERE u.username = ${sql.ref(`${w}.username`)}) IS NOT TRUE`;
  if (cursor.phase === 'rows') {
    const { rows } = await sql<{ kind: 'row' | 'end'; username: string | null; scanned: number }>`
      WITH w AS (
        SELECT s.username, s.population FROM bulk_sync_state s
        WHERE s.target = ${target} AND s.username > ${cursor.username}
        ORDER BY s.username LIMIT ${window}
      )
      SELECT 'row' AS kind, w.username, 0::bigint AS scanned FROM w WHERE ${notMember('w')}
      UNION ALL
      SELECT 'end', max(w.username), count(*)::bigint FROM w`.execute(db);
    const end = rows.find((r) => r.kind === 'end');
    const scanned = end?.scanned ?? 0;
    return {
      usernames: rows.filter((r) => r.kind === 'row').map((r) => r.username!),
      last: scanned < window ? { phase: 'ranges', after: null } : { phase: 'rows', username: end!.username! },
      done: false,
    };
  }
  // Whole ranges, as many as fit in the window (at least one), frozen populations' skipped.
  const after = cursor.after;
  const { rows } = await sql<{ kind: 'row' | 'end'; username: string | null; population: string | null; prefix: string | null; suffix: string | null; lo: number | null }>`
    WITH rr AS (
      SELECT population, prefix, suffix, lo, hi FROM (
        SELECT r.*, sum(r.hi - r.lo + 1) OVER (ORDER BY r.population, r.prefix, r.suffix, r.lo) AS upto FROM (
          SELECT population, prefix, suffix, lo, hi FROM bulk_sync_ranges
          WHERE target = ${target} AND population <> ALL(${frozen as string[]}::text[])
            ${after ? sql`AND (population, prefix, suffix, lo) > (${after.population}, ${after.prefix}, ${after.suffix}, ${after.lo}::bigint)` : sql``}
          ORDER BY population, prefix, suffix, lo LIMIT ${window}) r
      ) x WHERE upto - (hi - lo + 1) < ${window}
    ), w AS (
      SELECT rr.population, rr.prefix || s::text || rr.suffix AS username FROM rr CROSS JOIN LATERAL generate_series(rr.lo, rr.hi) s
    )
    SELECT 'row' AS kind, w.username, NULL AS population, NULL AS prefix, NULL AS suffix, NULL::bigint AS lo FROM w WHERE ${notMember('w')}
    UNION ALL
    (SELECT 'end', NULL, population, prefix, suffix, lo FROM rr ORDER BY population DESC, prefix DESC, suffix DESC, lo DESC LIMIT 1)`.execute(db);
  const end = rows.find((r) => r.kind === 'end');
  return {
    usernames: rows.filter((r) => r.kind === 'row').map((r) => r.username!),
    last: end ? { phase: 'ranges', after: { population: end.population!, prefix: end.prefix!, suffix: end.suffix!, lo: end.lo! } } : cursor,
    done: !end,
  };
}

/** Records what the target confirmed it now holds, one row per record. */
export async function markSynced(db: Db, target: string, rows: readonly { username: string; population: string; content_hash: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await uncoverRanges(db, target, namesSql(rows.map((r) => r.username)));
  await upsertRows(db, target, rows);
}

async function upsertRows(db: Db, target: string, rows: readonly { username: string; population: string; content_hash: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO bulk_sync_state (target, username, population, content_hash)
    SELECT ${target}, u, p, h FROM unnest(${rows.map((r) => r.username)}::text[], ${rows.map((r) => r.population)}::text[], ${rows.map((r) => r.content_hash)}::text[]) AS x(u, p, h)
    ON CONFLICT (target, username) DO UPDATE SET population = excluded.population, content_hash = excluded.content_hash, updated_at = now()`.execute(db);
}

/**
 * What recording a chunk of window rows (nextUnsyncedWindow's, in seq order, of one
 * population) takes, worked out as soon as the target confirmed it, so the rows themselves
 * need not wait for the chunks recorded with them (they would be promoted to V8's old
 * generation while they wait): runs of consecutive members as ranges, the rest as rows.
 * Only a username the target held in some version (`held`), or one its pattern does not
 * give, can be in a range or a row already, and is taken out of it first (`searched`); a
 * username the pattern gives can also sit in a range of another pattern, searched only
 * when the target had such ranges when the sync began (`foreignRanges`: ranges this sync
 * writes hold only its own members).
 */
export interface ChunkMarks {
  ranges: SyncRange[];
  singles: { username: string; population: string; content_hash: string }[];
  searched: string[];
  /** Usernames outside `searched` to look for in other patterns' ranges. */
  fresh: string[];
  /** Held usernames now in a range: their rows go. */
  replaced: string[];
}

export function chunkMarks(rows: readonly SentRow[], population: { name: string; shape: UsernameShape; foreignRanges: boolean }, runs: readonly SeqRun[] = []): ChunkMarks {
  const { ranges, singles, rangeRows, misfits } = splitIntoRanges(rows, population.shape);
  const searched = new Set(misfits.map((r) => r.username));
  for (const r of rows) if (r.held) searched.add(r.username);
  const { prefix, suffix } = population.shape;
  // A run's members were held by no range or row of their own pattern (nextUnsyncedWindow).
  for (const r of runs) ranges.push({ population: population.name, prefix, suffix, lo: r.lo, hi: r.hi, content_hash: r.content_hash });
  const fresh: string[] = [];
  if (population.foreignRanges) {
    for (const r of rows) if (!searched.has(r.username)) fresh.push(r.username);
    for (const r of runs) for (let s = r.lo; s <= r.hi; s++) fresh.push(usernameFor(population.shape, s));
  }
  return {
    ranges,
    singles: singles.map((r) => ({ username: r.username, population: r.population, content_hash: r.content_hash })),
    searched: [...searched],
    fresh,
    replaced: rangeRows.filter((r) => r.held).map((r) => r.username),
  };
}

/** Records what the target confirmed of some chunks (chunkMarks of each); a first sync of a population is then one INSERT. */
export async function markChunksSynced(db: Db, target: string, chunks: readonly ChunkMarks[], population: { name: string; shape: UsernameShape }): Promise<void> {
  const all = <K extends keyof ChunkMarks>(k: K): ChunkMarks[K] => chunks.flatMap((c): unknown[] => c[k]) as ChunkMarks[K];
  const searched = all('searched');
  if (searched.length > 0) await uncoverRanges(db, target, namesSql(searched));
  const fresh = all('fresh');
  if (fresh.length > 0) await uncoverRanges(db, target, namesSql(fresh), { population: population.name, ...population.shape });
  const replaced = all('replaced');
  if (replaced.length > 0) await sql`DELETE FROM bulk_sync_state WHERE target = ${target} AND username = ANY(${replaced}::text[])`.execute(db);
  await insertRanges(db, target, joinAdjacent(all('ranges')));
  await upsertRows(db, target, all('singles'));
}

/** Records that the target confirmed these deletes. */
export async function markUnsynced(db: Db, target: string, usernames: readonly string[]): Promise<void> {
  if (usernames.length === 0) return;
  await uncoverRanges(db, target, namesSql(usernames));
  await sql`DELETE FROM bulk_sync_state WHERE target = ${target} AND username = ANY(${usernames as string[]}::text[])`.execute(db);
}

/** After a snapshot target was rewritten from these populations, the sync state is exactly their rows. */
export async function replaceSyncStateWithRows(db: Db, store: UserStore, target: string, populations: readonly string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await clearSyncState(trx, target);
    await sql`
      INSERT INTO bulk_sync_state (target, username, population, content_hash)
      SELECT ${target}, username, population, content_hash FROM ${store.rows} u
      WHERE is_test_user = true AND population = ANY(${populations as string[]}::text[])`.execute(trx);
  });
}
