import { sql } from 'kysely';
import type { SetDigest } from '../targets/SyncTargetDriver.ts';
import { bucketOf, recordsDigestSql } from './digestSql.ts';
import { isMember, type MemberShape } from './memberSql.ts';
import type { Db } from './openDatabase.ts';
import type { UserStore } from './userStore/UserStore.ts';

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
    SELECT population, count(*)::bigint, ${recordsDigestSql}
    FROM bulk_sync_state WHERE target = ${target} AND ${off} GROUP BY population`.execute(db);
  return new Map(rows.map((r) => [r.population, { count: r.count, digest: r.digest }]));
}

export async function syncBucketDigests(db: Db, target: string, population: string, buckets: number): Promise<Map<number, SetDigest>> {
  const { rows } = await sql<{ bucket: number; count: number; digest: string }>`
    SELECT ${bucketOf(sql`username`, buckets)} AS bucket, count(*)::bigint AS count,
           ${recordsDigestSql} AS digest
    FROM bulk_sync_state WHERE target = ${target} AND population = ${population} GROUP BY 1`.execute(db);
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
): Promise<number> {
  const inBuckets = sql<boolean>`target = ${target} AND population = ${population} AND ${bucketOf(sql`username`, buckets)} = ANY(${bucketList as number[]}::int[])`;
  const { rows } = await sql<{ n: number }>`
    WITH old AS (
      SELECT username, content_hash FROM bulk_sync_state WHERE ${inBuckets}
    ), new AS (
      SELECT * FROM unnest(${listed.map((r) => r.username)}::text[], ${listed.map((r) => r.content_hash)}::text[]) AS n(username, content_hash)
    )
    SELECT count(*)::bigint AS n FROM old FULL JOIN new USING (username)
    WHERE old.content_hash IS DISTINCT FROM new.content_hash`.execute(db);
  await sql`DELETE FROM bulk_sync_state WHERE ${inBuckets}`.execute(db);
  await markSynced(db, target, listed.map((r) => ({ ...r, population })));
  return rows[0]?.n ?? 0;
}

/** Forgets everything the sync state says about a target (its content can no longer be trusted). */
export async function clearSyncState(db: Db, target: string): Promise<number> {
  const res = await sql`DELETE FROM bulk_sync_state WHERE target = ${target}`.execute(db);
  return Number(res.numAffectedRows ?? 0n);
}

/** Members of a population the target lacks, or holds with another content hash than `desiredHash`. */
export async function countUnsynced(db: Db, store: UserStore, target: string, population: string, shape: MemberShape, desiredHash: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::bigint AS n FROM ${store.rows} u
    WHERE u.is_test_user = true AND u.population = ${population} AND ${isMember(shape, 'u')}
      AND NOT EXISTS (
        SELECT 1 FROM bulk_sync_state s
        WHERE s.target = ${target} AND s.username = u.username AND s.population = u.population AND s.content_hash = ${desiredHash})`.execute(db);
  return rows[0]?.n ?? 0;
}

/** Records the target holds for a population that are not (or will not stay) its members. */
export async function countExtra(db: Db, store: UserStore, target: string, population: string, shape: MemberShape): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::bigint AS n FROM bulk_sync_state s
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

/**
 * A window of the next `window` rows of a population after `cursor` (seq order), and
 * those of them the target does not hold as they are. Scanning a bounded window first
 * keeps each query to index probes; an anti-join over the whole population per chunk
 * would read every row each time. `last` is where the next window starts; `done` when
 * the population is exhausted.
 */
export async function nextUnsyncedWindow(
  db: Db,
  store: UserStore,
  target: string,
  population: string,
  cursor: number,
  window: number,
): Promise<{ rows: SyncCandidate[]; last: number; done: boolean }> {
  // Only the rows to send cross the wire, plus one row saying how far the window reached.
  // A row is sent unless the target's state row for its username (at most one: the
  // primary key) has its population and content hash. Asked as a scalar subquery on the
  // primary key alone, so it stays one index probe per window row whatever the statistics
  // say. As NOT EXISTS (…) it was planned as an anti-join hashing the target's whole sync
  // state for every window (a sequential scan of up to N rows per window: a full sync grew
  // as N² / window, 55 ms per window at 100,000 synced records against 17 ms probing); and
  // with population among its conditions, on a state never analysed, as a scan of the
  // (target, population) index per row.
  const { rows } = await sql<SyncCandidate & { kind: 'row' | 'end'; scanned: number }>`
    WITH w AS (
      SELECT u.seq, u.username, u.email, u.population, u.content_hash, u.attributes FROM ${store.rows} u
      WHERE u.is_test_user = true AND u.population = ${population} AND u.seq > ${cursor}
      ORDER BY u.seq LIMIT ${window}
    )
    SELECT 'row' AS kind, w.*, 0::bigint AS scanned FROM w
    WHERE (
      SELECT s.population = w.population AND s.content_hash = w.content_hash FROM bulk_sync_state s
      WHERE s.target = ${target} AND s.username = w.username) IS NOT TRUE
    UNION ALL
    SELECT 'end', max(seq), NULL, NULL, NULL, NULL, NULL, count(*)::bigint FROM w
    ORDER BY 1 DESC, 2`.execute(db);
  const end = rows.find((r) => r.kind === 'end');
  const scanned = end?.scanned ?? 0;
  return {
    rows: rows.filter((r) => r.kind === 'row').map(({ kind: _k, scanned: _s, ...r }) => r),
    last: scanned > 0 ? end!.seq : cursor,
    done: scanned < window,
  };
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

/**
 * A window of the next `window` records a target holds (by username after `cursor`), and
 * those of them that belong to none of `populations` in the database: deleted users,
 * users of populations that no longer sync there. Records of `frozen` populations are
 * left where they are. Bounded like nextUnsyncedWindow.
 */
export async function nextExtraWindow(
  db: Db,
  store: UserStore,
  target: string,
  populations: readonly string[],
  frozen: readonly string[],
  cursor: string,
  window: number,
): Promise<{ usernames: string[]; last: string; done: boolean }> {
  // Probed per window row by username, as nextUnsyncedWindow probes the sync state: as
  // NOT EXISTS the planner hashed every member of `populations` for each window (87 ms a
  // window at 200,000 users, on every sync, since every sync looks for extras).
  const { rows } = await sql<{ kind: 'row' | 'end'; username: string | null; scanned: number }>`
    WITH w AS (
      SELECT s.username, s.population FROM bulk_sync_state s
      WHERE s.target = ${target} AND s.username > ${cursor}
      ORDER BY s.username LIMIT ${window}
    )
    SELECT 'row' AS kind, w.username, 0::bigint AS scanned FROM w
    WHERE w.population <> ALL(${frozen as string[]}::text[]) AND (
      SELECT bool_or(u.is_test_user = true AND u.population = ANY(${populations as string[]}::text[])) FROM ${store.rows} u
      WHERE u.username = w.username) IS NOT TRUE
    UNION ALL
    SELECT 'end', max(w.username), count(*)::bigint FROM w`.execute(db);
  const end = rows.find((r) => r.kind === 'end');
  const scanned = end?.scanned ?? 0;
  return {
    usernames: rows.filter((r) => r.kind === 'row').map((r) => r.username!),
    last: scanned > 0 ? end!.username! : cursor,
    done: scanned < window,
  };
}

/** Records what the target confirmed it now holds. */
export async function markSynced(db: Db, target: string, rows: readonly { username: string; population: string; content_hash: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO bulk_sync_state (target, username, population, content_hash)
    SELECT ${target}, u, p, h FROM unnest(${rows.map((r) => r.username)}::text[], ${rows.map((r) => r.population)}::text[], ${rows.map((r) => r.content_hash)}::text[]) AS x(u, p, h)
    ON CONFLICT (target, username) DO UPDATE SET population = excluded.population, content_hash = excluded.content_hash, updated_at = now()`.execute(db);
}

/** Records that the target confirmed these deletes. */
export async function markUnsynced(db: Db, target: string, usernames: readonly string[]): Promise<void> {
  if (usernames.length === 0) return;
  await sql`DELETE FROM bulk_sync_state WHERE target = ${target} AND username = ANY(${usernames as string[]}::text[])`.execute(db);
}

/** After a snapshot target was rewritten from these populations, the sync state is exactly their rows. */
export async function replaceSyncStateWithRows(db: Db, store: UserStore, target: string, populations: readonly string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`DELETE FROM bulk_sync_state WHERE target = ${target}`.execute(trx);
    await sql`
      INSERT INTO bulk_sync_state (target, username, population, content_hash)
      SELECT ${target}, username, population, content_hash FROM ${store.rows} u
      WHERE is_test_user = true AND population = ANY(${populations as string[]}::text[])`.execute(trx);
  });
}
