import { sql } from 'kysely';
import { OperatorError } from '../../errors.ts';
import type { ReconcilerConfig } from '../../spec/DesiredState.ts';
import type { UserStoreSpec } from '../../spec/schemaTypes.generated.ts';
import { countMembers } from '../batchQueries.ts';
import type { Db } from '../openDatabase.ts';
import { EmbeddedUsersStore } from './EmbeddedUsersStore.ts';
import { MappedTableStore } from './MappedTableStore.ts';
import type { UserStore } from './UserStore.ts';

const EMBEDDED = new EmbeddedUsersStore();
/** One instance per mapping, so what it read of the catalog is read once per process and run. */
const mapped = new Map<string, MappedTableStore>();

function storeOf(spec: UserStoreSpec | undefined | null): UserStore {
  if (!spec) return EMBEDDED;
  const key = JSON.stringify(spec);
  let store = mapped.get(key);
  if (!store) mapped.set(key, (store = new MappedTableStore(spec)));
  return store;
}

/** The store a desired state's ReconcilerConfig names; the embedded users table without one. */
export function userStoreFor(config: ReconcilerConfig | undefined): UserStore {
  return storeOf(config?.userStore);
}

/**
 * The store the last applying run wrote to, for readers that have no desired state at hand
 * (the API's counts, export, status): one primary-key read.
 */
export async function recordedUserStore(db: Db): Promise<UserStore> {
  const { rows } = await sql<{ spec: UserStoreSpec }>`SELECT spec FROM bulk_user_store`.execute(db);
  return storeOf(rows[0]?.spec);
}

/**
 * Makes `store` the one applying runs write to, under the reconcile lock, and prepares it.
 * Switching stores while managed test users live in the old one is refused: they would be
 * left behind where nothing manages them.
 */
export async function recordUserStore(db: Db, store: UserStore): Promise<void> {
  const { rows } = await sql<{ spec: UserStoreSpec }>`SELECT spec FROM bulk_user_store`.execute(db);
  const before = storeOf(rows[0]?.spec);
  if (JSON.stringify(before.identity) !== JSON.stringify(store.identity)) {
    const left = [...(await countMembers(db, before)).values()].reduce((n, c) => n + c.total, 0);
    if (left > 0) {
      throw new OperatorError(
        `the user store changed from ${before.description} to ${store.description} while ${left} managed test users live in ${before.description}; ` +
          'delete or clean up their populations with the old userStore first',
        'user_store_switch',
      );
    }
  }
  const spec = store instanceof MappedTableStore ? store.spec : null;
  if (spec) {
    await sql`INSERT INTO bulk_user_store (id, spec) VALUES (true, ${JSON.stringify(spec)}::jsonb)
      ON CONFLICT (id) DO UPDATE SET spec = excluded.spec, updated_at = now() WHERE bulk_user_store.spec IS DISTINCT FROM excluded.spec`.execute(db);
  } else if (rows.length) {
    await sql`DELETE FROM bulk_user_store`.execute(db);
  }
  await store.prepare(db);
}
