import type { Db } from '../db/openDatabase.ts';
import type { UserStore } from '../db/userStore/UserStore.ts';
import { keysetLoop } from './keysetLoop.ts';

/**
 * Deletes rows marked as test users that no known population owns, in keyset batches.
 * Only reachable with strictMode off; the store restricts every statement to marked rows,
 * and the database guard still refuses any production row.
 */
export async function deleteUnmanagedTestUsers(db: Db, store: UserStore, batchSize: number, checkAbort: () => void = () => {}): Promise<number> {
  return keysetLoop('id', batchSize, checkAbort, (cursor) => store.deleteUnmanagedBatch(db, cursor, batchSize));
}
