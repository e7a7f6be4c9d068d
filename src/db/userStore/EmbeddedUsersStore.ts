import { sql } from 'kysely';
import type pg from 'pg';
import { asyncCommit } from '../asyncCommit.ts';
import { insertMembers } from '../insertMembers.ts';
import { isMember, seqOfUsername, type MemberShape } from '../memberSql.ts';
import type { Db } from '../openDatabase.ts';
import { usernameSortsAsBytes } from '../usernameSortsAsBytes.ts';
import { createdGroupShape, createdGroupSql, KEEP_SUMMARY_SQL, MERGE_GROUP_SQL } from '../userSummary.ts';
import { batchRows, batchSeqsSql, emailOf, type CreateBatch, type DeleteBatch, type UpdateBatch, type UserStore } from './UserStore.ts';

/**
 * The embedded `users` table, which carries the reconciler's own columns (population, seq,
 * content_hash, expires_at, attributes) next to the application's. The default store; the
 * database guard of migration 0003 watches every UPDATE and DELETE of it.
 */
export class EmbeddedUsersStore implements UserStore {
  readonly description = 'users';
  readonly rows = sql.raw('users');

  readonly summarized = true;
  readonly identity = null;
  readonly table = { name: 'users', primaryKey: 'id' };
  readonly dependents = [];

  async check(): Promise<void> {
    // The migrations made it, with its guard.
  }

  async prepare(): Promise<void> {}

  createsInUsernameOrder(db: Db): Promise<boolean> {
    return usernameSortsAsBytes(db, this.table.name);
  }

  async createBatch(db: Db, pool: pg.Pool | undefined, b: CreateBatch): Promise<number> {
    // The batch keeps the users summary itself, from its range (no pass over its rows),
    // when the pattern's shape is certain; else the insert trigger summarizes its rows.
    const shape = createdGroupShape(b.prefix, b.suffix);
    const group = (count: number) => createdGroupSql({ population: b.population, contentHash: b.contentHash, expiresAt: b.expiresAt, shape: shape!, count, from: b.from, to: b.to });
    const summary = shape === null ? undefined : { before: KEEP_SUMMARY_SQL, after: group(batchRows(b)) };
    const written = pool ? await insertMembers(pool, b, summary) : null;
    if (written !== null) return written;
    // A username taken since the plan makes that INSERT fail whole; the batch (and a run
    // without a pool) takes this one instead, which skips what is taken.
    // ON CONFLICT (username) only: arbitrating every unique index per row cost a third
    // of the insert time; (population, seq) cannot collide under the reconcile lock,
    // because this population's non-members were deleted first.
    const username = sql<string>`${b.prefix} || s::text || ${b.suffix}`;
    const inserted = await asyncCommit(db, async (trx) => {
      if (shape !== null) await sql.raw(KEEP_SUMMARY_SQL).execute(trx);
      const res = await sql`
        INSERT INTO users (username, email, password_hash, is_test_user, is_admin, population, seq, content_hash, attributes, expires_at, created_at, updated_at)
        SELECT ${username}, ${emailOf(b, username)}, ${b.passwordHash}, true, false, ${b.population}, s, ${b.contentHash},
               ${JSON.stringify(b.attributes)}::jsonb, ${b.expiresAt}::timestamptz, now(), now()
        FROM ${batchSeqsSql(b)} AS s
        ON CONFLICT (username) DO NOTHING`.execute(trx);
      const n = Number(res.numAffectedRows ?? 0n);
      // The batch's ends are outer bounds of what was written, which is all the summary keeps.
      if (shape !== null && n > 0) await sql.raw(group(n)).execute(trx);
      return n;
    });
    return inserted;
  }

  async updateBatch(db: Db, b: UpdateBatch): Promise<{ seq: number }[]> {
    // The batch moves its rows from their old (content, lease) group to the new one in the
    // summary, in its own transaction (the UPDATE trigger, which would move them one row at
    // a time, steps aside for it). The UPDATE returns each row's old group.
    return asyncCommit(db, async (trx) => {
      await sql.raw(KEEP_SUMMARY_SQL).execute(trx);
      const { rows } = await sql<{ seq: number; old_hash: string | null; old_expires: string | null; shape: string | null }>`
        UPDATE users SET
          email = ${emailOf(b, sql`username`)},
          attributes = ${JSON.stringify(b.attributes)}::jsonb,
          password_hash = ${b.passwordHash},
          content_hash = ${b.contentHash},
          expires_at = ${b.expiresAt}::timestamptz,
          updated_at = now()
        FROM (
          SELECT id AS old_id, content_hash AS old_hash, expires_at AS old_expires, bulk_user_shape(username, seq) AS shape FROM users
          WHERE is_test_user = true AND population = ${b.population}
            AND seq > ${b.after} AND seq >= ${b.lo} AND seq < ${b.hi}
            AND (content_hash IS DISTINCT FROM ${b.contentHash} OR expires_at IS DISTINCT FROM ${b.expiresAt}::timestamptz)
          ORDER BY seq LIMIT ${b.limit}) o
        WHERE is_test_user = true AND population = ${b.population} AND id = o.old_id
        RETURNING seq, o.old_hash, o.old_expires::text AS old_expires, o.shape`.execute(trx);
      if (rows.length > 0) await moveGroups(trx, b, rows);
      return rows.map((r) => ({ seq: r.seq }));
    });
  }

  async deleteBatch(db: Db, b: DeleteBatch): Promise<{ seq: number }[]> {
    const where = b.keep ? sql<boolean>`NOT ${isMember(b.keep)}` : sql<boolean>`true`;
    const { rows } = await asyncCommit(db, (trx) => sql<{ seq: number }>`
      DELETE FROM users
      WHERE is_test_user = true AND population = ${b.population} AND id IN (
        SELECT id FROM users
        WHERE is_test_user = true AND population = ${b.population} AND seq > ${b.after} AND ${where}
        ORDER BY seq LIMIT ${b.limit})
      RETURNING seq`.execute(trx));
    return rows;
  }

  async deleteUnmanagedBatch(db: Db, after: number, limit: number): Promise<{ id: number }[]> {
    const { rows } = await sql<{ id: number }>`
      DELETE FROM users WHERE is_test_user = true AND id IN (
        SELECT u.id FROM users u
        WHERE u.is_test_user = true AND u.id > ${after}
          AND (u.population IS NULL OR NOT EXISTS (SELECT 1 FROM bulk_populations r WHERE r.name = u.population))
        ORDER BY u.id LIMIT ${limit})
      RETURNING id`.execute(db);
    return rows;
  }

  async adopt(db: Db, population: string, shape: MemberShape, dryRun: boolean): Promise<number> {
    // Canonical ids only: "user_007" is not the username of id 7, so it is not adopted.
    const seqExpr = seqOfUsername(sql`username`, shape.pattern);
    const candidates = sql`is_test_user = true AND population IS NULL AND ${seqExpr} >= ${shape.idStart} AND ${seqExpr} < ${shape.idStart + shape.count}`;
    if (dryRun) {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::bigint AS n FROM users WHERE ${candidates}`.execute(db);
      return rows[0]?.n ?? 0;
    }
    const res = await sql`UPDATE users SET population = ${population}, seq = ${seqExpr}, updated_at = now() WHERE ${candidates}`.execute(db);
    return Number(res.numAffectedRows ?? 0n);
  }
}

/** The summary change of an update batch: each old group loses its rows, the new one gains them. */
async function moveGroups(trx: Db, b: UpdateBatch, rows: readonly { seq: number; old_hash: string | null; old_expires: string | null; shape: string | null }[]): Promise<void> {
  const groups = new Map<string, { hash: string | null; expires: string | null; shape: string | null; n: number; min: number | null; max: number | null }>();
  const add = (hash: string | null, expires: string | null, shape: string | null, n: number, seq: number | null) => {
    const key = JSON.stringify([hash, expires, shape]);
    const g = groups.get(key) ?? { hash, expires, shape, n: 0, min: null, max: null };
    g.n += n;
    if (seq !== null) {
      g.min = g.min === null ? seq : Math.min(g.min, seq);
      g.max = g.max === null ? seq : Math.max(g.max, seq);
    }
    groups.set(key, g);
  };
  for (const r of rows) {
    // Timestamps as text, as the server writes them: a Date would drop the microseconds of the key.
    add(r.old_hash, r.old_expires, r.shape, -1, null);
    add(b.contentHash, b.expiresAt, r.shape, 1, r.seq);
  }
  const list = [...groups.values()];
  await sql`
    INSERT INTO bulk_user_summary AS s (population, content_hash, expires_at, shape, count, min_seq, max_seq, last_updated_at)
    SELECT ${b.population}, g.hash, g.expires, g.shape, g.n, g.lo, g.hi, now()
    FROM unnest(${list.map((g) => g.hash)}::text[], ${list.map((g) => g.expires)}::timestamptz[], ${list.map((g) => g.shape)}::text[],
                ${list.map((g) => g.n)}::bigint[], ${list.map((g) => g.min)}::bigint[], ${list.map((g) => g.max)}::bigint[]) AS g(hash, expires, shape, n, lo, hi)
    ORDER BY 2, 3, 4
    ${sql.raw(MERGE_GROUP_SQL)}`.execute(trx);
  await sql`DELETE FROM bulk_user_summary WHERE population = ${b.population} AND count = 0`.execute(trx);
}
