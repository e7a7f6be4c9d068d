import { sql } from 'kysely';
import type { Db } from '../db/openDatabase.ts';
import { keysetLoop } from './keysetLoop.ts';

/**
 * Deletes rows marked is_test_user that no known population owns, in keyset batches.
 * Only reachable with strictMode off; is_test_user = true is in the statement itself, and
 * the database guard still refuses any production row.
 */
export async function deleteUnmanagedTestUsers(db: Db, batchSize: number, checkAbort: () => void = () => {}): Promise<number> {
  return keysetLoop('id', batchSize, checkAbort, async (cursor) => {
    const { rows } = await sql<{ id: number }>`
      DELETE FROM users WHERE is_test_user = true AND id IN (
        SELECT u.id FROM users u
        WHERE u.is_test_user = true AND u.id > ${cursor}
          AND (u.population IS NULL OR NOT EXISTS (SELECT 1 FROM bulk_populations r WHERE r.name = u.population))
        ORDER BY u.id LIMIT ${batchSize})
      RETURNING id`.execute(db);
    return rows;
  });
}
