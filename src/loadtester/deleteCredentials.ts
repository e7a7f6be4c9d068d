import { sql, type Kysely } from 'kysely';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';

export interface DeleteCounts {
  deleted: number;
  missing: number;
}

/**
 * Deletes the listed usernames that exist, in one statement. A username listed twice
 * counts once (deleting is idempotent, so a repeat is harmless and is not an error),
 * which keeps `deleted + missing` equal to the number of distinct usernames sent.
 */
export async function deleteCredentials(db: Kysely<LoadTesterDatabase>, usernames: readonly string[]): Promise<DeleteCounts> {
  const distinct = [...new Set(usernames)];
  // One array parameter instead of 10,000 placeholders. The rows are locked in username
  // order first, the order bulk-upsert writes them in: a plain DELETE visits them in
  // whatever order its plan reads the table, and two overlapping requests locking in
  // different orders deadlocked (one of them failed) under concurrent writers.
  const result = await sql`
    DELETE FROM loadtester.credentials
    WHERE username IN (
      SELECT username FROM loadtester.credentials
      WHERE username = ANY(${distinct}::text[])
      ORDER BY username
      FOR UPDATE
    )`.execute(db);
  const deleted = Number(result.numAffectedRows ?? 0n);
  return { deleted, missing: distinct.length - deleted };
}
