import { reconcileForApi } from './reconcileForApi.ts';
import { sql } from 'kysely';
import { countMembers, countMembersOf } from '../db/batchQueries.ts';
import { userStoreFor } from '../db/userStore/userStoreFor.ts';
import { deleteApiPopulation, insertApiPopulation, withApiSpecLock } from '../db/apiPopulations.ts';
import type { OpenDatabase } from '../db/openDatabase.ts';
import type { Logger } from '../log/logger.ts';
import { planOptionsFor } from '../plan/planReconcile.ts';
import type { SyncTargetDriver } from '../targets/SyncTargetDriver.ts';
import { NotFoundError } from './apiErrors.ts';
import { cleanup } from './cleanup.ts';
import { MassDeleteRefusedError } from './errors.ts';
import { loadDesiredState } from './loadDesiredState.ts';

export interface CleanupBatchOptions {
  batchId: string;
  dryRun: boolean;
  allowMassDelete: boolean;
  specsDir: string;
  secretKey: Buffer;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  actor: string;
  lockTimeoutMs?: number;
  signal?: AbortSignal;
  baseDir?: string;
  drivers?: ReadonlyMap<string, SyncTargetDriver>;
  now?: Date;
}

export interface CleanupBatchResult {
  batch_id: string;
  /** An API-created batch is removed outright; a file-defined one only when it is a cleanup candidate. */
  kind: 'api' | 'candidate';
  dry_run: boolean;
  /** Users deleted (or that would be, in a dry run). */
  deleted: number;
  outcome: string;
}

/**
 * POST /api/bulk-users/lifecycle/cleanup {batch_id}: an API-created batch is deleted (its
 * stored spec removed, its record marked Deleting, then a reconcile deletes its users
 * everywhere through the usual guard); any other batch must be a cleanup candidate
 * (expired or orphaned) and goes through cleanup(). A file-defined, live batch is refused:
 * its spec in git is what keeps it.
 */
export async function cleanupBatch(database: OpenDatabase, opts: CleanupBatchOptions): Promise<CleanupBatchResult> {
  const { db } = database;
  const base = { batch_id: opts.batchId, dry_run: opts.dryRun };
  const loaded = await loadDesiredState({ db, specsDir: opts.specsDir, env: opts.env, secretKey: opts.secretKey });
  const apiRow = loaded.apiRows.find((r) => r.name === opts.batchId);
  const planOptions = planOptionsFor(loaded.state, { allowMassDelete: opts.allowMassDelete });

  if (apiRow) {
    const members = await countMembersOf(db, userStoreFor(loaded.state.config), opts.batchId);
    if (opts.dryRun) return { ...base, kind: 'api', deleted: members, outcome: 'planned' };
    await withApiSpecLock(db, async (trx) => {
      await deleteApiPopulation(trx, opts.batchId);
      await sql`UPDATE bulk_populations SET phase = 'Deleting', updated_at = now() WHERE name = ${opts.batchId} AND source = 'api'`.execute(trx);
    });
    const state = (await loadDesiredState({ db, specsDir: opts.specsDir, env: opts.env, secretKey: opts.secretKey })).state;
    try {
      const result = await reconcileForApi(database, state, opts, { allowMassDelete: opts.allowMassDelete });
      return { ...base, kind: 'api', deleted: result.applied?.deleted ?? 0, outcome: result.outcome };
    } catch (err) {
      if (err instanceof MassDeleteRefusedError) {
        // Refused before anything was deleted: the batch is as it was.
        await withApiSpecLock(db, async (trx) => {
          await insertApiPopulation(trx, apiRow);
          await sql`UPDATE bulk_populations SET phase = 'Active', updated_at = now() WHERE name = ${opts.batchId} AND source = 'api'`.execute(trx);
        });
      }
      throw err;
    }
  }

  const known = loaded.state.populations.some((p) => p.name === opts.batchId) || (await countMembers(db, userStoreFor(loaded.state.config), opts.batchId)).has(opts.batchId);
  if (!known && !(await db.selectFrom('bulk_populations').select('name').where('name', '=', opts.batchId).executeTakeFirst())) {
    throw new NotFoundError(`no batch "${opts.batchId}"`);
  }
  const result = await cleanup(database, {
    state: loaded.state,
    selection: { population: opts.batchId },
    dryRun: opts.dryRun,
    planOptions,
    trigger: 'api',
    actor: opts.actor,
    logger: opts.logger,
    env: opts.env,
    ...(opts.lockTimeoutMs !== undefined ? { lockTimeoutMs: opts.lockTimeoutMs } : {}),
    ...(opts.baseDir ? { baseDir: opts.baseDir } : {}),
    ...(opts.drivers ? { drivers: opts.drivers } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { ...base, kind: 'candidate', deleted: opts.dryRun ? result.plan.summary.delete : result.deleted, outcome: result.outcome };
}
