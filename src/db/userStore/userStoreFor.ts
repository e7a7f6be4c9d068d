import type { ReconcilerConfig } from '../../spec/DesiredState.ts';
import type { Db } from '../openDatabase.ts';
import { EmbeddedUsersStore } from './EmbeddedUsersStore.ts';
import type { UserStore } from './UserStore.ts';

const EMBEDDED = new EmbeddedUsersStore();

/** The store a desired state's ReconcilerConfig names; the embedded users table without one. */
export function userStoreFor(_config: ReconcilerConfig | undefined): UserStore {
  return EMBEDDED;
}

/**
 * The store the last applying run wrote to, for readers that have no desired state at hand
 * (the API's counts, export, status).
 */
export async function recordedUserStore(_db: Db): Promise<UserStore> {
  return EMBEDDED;
}
