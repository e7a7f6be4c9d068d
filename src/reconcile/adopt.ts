import { acquireAdvisoryLock } from '../db/advisoryLock.ts';
import type { OpenDatabase } from '../db/openDatabase.ts';
import { recordUserStore, userStoreFor } from '../db/userStore/userStoreFor.ts';
import { OperatorError } from '../errors.ts';
import type { DesiredState } from '../spec/DesiredState.ts';
import { defaultActor } from './reconcile.ts';

/**
 * Takes rows that are marked test users, belong to no population, and carry a username
 * the population's pattern gives for an id in its range, under that population's
 * management: explicitly, never as a side effect of reconcile. The next reconcile then
 * brings their content in line (they count as updates).
 */
export async function adopt(
  database: OpenDatabase,
  state: DesiredState,
  population: string,
  opts: { dryRun: boolean; lockTimeoutMs?: number; actor?: string; trigger?: string },
): Promise<{ adopted: number }> {
  const spec = state.populations.find((p) => p.name === population);
  if (!spec) {
    throw new OperatorError(`population "${population}" is not declared in the specs; only a declared population can adopt rows`, 'unknown_population');
  }
  const { db } = database;
  const store = userStoreFor(state.config);
  await store.check(db, state.populations);
  if (opts.dryRun) return { adopted: await store.adopt(db, population, spec, true) };
  const lock = await acquireAdvisoryLock(database.url, { timeoutMs: opts.lockTimeoutMs ?? 30_000 });
  try {
    await recordUserStore(db, store);
    const adopted = await store.adopt(db, population, spec, false);
    await db
      .insertInto('bulk_audit')
      .values({ run_id: null, actor: opts.actor ?? defaultActor(), trigger: opts.trigger ?? 'cli', rule: 'adopt', population, count: adopted })
      .execute();
    return { adopted };
  } finally {
    await lock.release();
  }
}
