import { sql } from 'kysely';
import type { Db } from './openDatabase.ts';
import type { UserStore } from './userStore/UserStore.ts';

/** A managed test user as the API may export it: no password, no hash, by construction of the SELECT. */
export interface ExportedMember {
  username: string;
  email: string | null;
  batch_id: string;
  /** Always true (the query reads only test users); exported so a client can check exactly that. */
  is_test_user: boolean;
  seq: number | null;
  attributes: unknown;
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
}

const PAGE_ROWS = 1000;

/**
 * Managed test users (is_test_user, with a population), page by page in (population, seq)
 * order, from one read-only REPEATABLE READ snapshot through a server-side cursor: an
 * export of any size runs in constant memory and sees one consistent state. The
 * transaction ends in `finally`, also when the client goes away mid-stream.
 */
export async function* readMemberPages(db: Db, store: UserStore, filter: { population?: string }): AsyncGenerator<ExportedMember[]> {
  const trx = await db.startTransaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute();
  try {
    await sql`
      DECLARE bulk_users_export NO SCROLL CURSOR FOR
      SELECT username, email, population AS batch_id, is_test_user, seq, attributes, created_at, updated_at, expires_at
      FROM ${store.rows} u
      WHERE is_test_user = true AND population IS NOT NULL ${filter.population !== undefined ? sql`AND population = ${filter.population}` : sql``}
      ORDER BY population, seq`.execute(trx);
    for (;;) {
      const { rows } = await sql<ExportedMember>`FETCH FORWARD ${sql.lit(PAGE_ROWS)} FROM bulk_users_export`.execute(trx);
      if (rows.length === 0) return;
      yield rows;
    }
  } finally {
    await trx.rollback().execute().catch(() => {});
  }
}
