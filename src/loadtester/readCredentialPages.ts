import { sql, type Kysely, type RawBuilder } from 'kysely';
import { populationIs } from './digestSql.ts';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';

export interface CredentialFilter {
  population?: string;
  /** Both or neither; 0 ≤ slice < slices. */
  slice?: number;
  slices?: number;
}

export interface StoredCredential {
  username: string;
  password_enc: string;
  email: string | null;
  population: string;
}

const PAGE_ROWS = 1000;

/**
 * Yields the matching credentials page by page, ordered by population then username (byte
 * order), for streaming exports of any size in constant memory. PostgreSQL sorts them
 * before the first page (on disk beyond work_mem): an index in that order would cost
 * every write of a record (see migration 0005), and syncs write far more often than
 * load tests export.
 *
 * All pages come from one read-only REPEATABLE READ transaction through a server-side
 * cursor: an export is one consistent snapshot even while the reconciler writes, so a
 * user moved between populations mid-export appears exactly once. The transaction ends
 * in `finally`, which also runs when the consumer stops early (client went away: the
 * stream calls return() on this generator).
 */
export async function* readCredentialPages(db: Kysely<LoadTesterDatabase>, filter: CredentialFilter): AsyncGenerator<StoredCredential[]> {
  const conditions: RawBuilder<unknown>[] = [];
  if (filter.population !== undefined) conditions.push(populationIs(filter.population));
  if (filter.slices !== undefined) {
    // hashtext() is signed and SQL's % keeps the dividend's sign: fold into [0, slices).
    const n = sql.lit(filter.slices);
    conditions.push(sql`((hashtext(username) % ${n}) + ${n}) % ${n} = ${sql.lit(filter.slice ?? 0)}`);
  }
  const where = conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``;

  const trx = await db.startTransaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute();
  try {
    await sql`
      DECLARE loadtester_export NO SCROLL CURSOR FOR
      SELECT username, password_enc, email, population
      FROM loadtester.credentials
      ${where}
      ORDER BY population COLLATE "C", username COLLATE "C"`.execute(trx);
    for (;;) {
      const { rows } = await sql<StoredCredential>`FETCH FORWARD ${sql.lit(PAGE_ROWS)} FROM loadtester_export`.execute(trx);
      if (rows.length === 0) return;
      yield rows;
    }
  } finally {
    // Read-only: rolling back loses nothing and also closes the cursor. A broken
    // connection cannot roll back; the pool discards it either way.
    await trx.rollback().execute().catch(() => {});
  }
}
