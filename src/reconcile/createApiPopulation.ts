import { reconcileForApi } from './reconcileForApi.ts';
import { countMembersOf } from '../db/batchQueries.ts';
import { userStoreFor } from '../db/userStore/userStoreFor.ts';
import type { UserStore } from '../db/userStore/UserStore.ts';
import { encryptSecret } from '../crypto/secretBox.ts';
import { deleteApiPopulation, insertApiPopulation, withApiSpecLock } from '../db/apiPopulations.ts';
import type { OpenDatabase } from '../db/openDatabase.ts';
import { silentLogger, type Logger } from '../log/logger.ts';
import { operationLogger } from '../log/operationLogger.ts';
import type { Conflict } from '../plan/Plan.ts';
import type { SyncResult } from '../apply/applySync.ts';
import { apiCreateCapsFromEnv, checkRequestCap, checkStoredCaps, type ApiCreateCaps } from './apiCreateCaps.ts';
import { loadDesiredState } from './loadDesiredState.ts';
import { checkApiConflicts, prepareApiPopulation, type ApiPopulationRequest } from './prepareApiPopulation.ts';
import type { ReconcileOptions, ReconcileResult } from './reconcile.ts';

export interface CreateApiPopulationOptions {
  request: ApiPopulationRequest;
  specsDir: string;
  /** The server's key (BULK_USERS_SECRET_KEY or bulk-users.key): encrypts the stored password. */
  secretKey: Buffer;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Stops the apply at the next batch boundary (graceful shutdown); the next reconcile finishes it. */
  signal?: AbortSignal;
  actor?: string;
  lockTimeoutMs?: number;
  now?: Date;
  /** As ReconcileOptions: base of relative file-target paths, and drivers to use instead of building them. */
  baseDir?: string;
  drivers?: ReconcileOptions['drivers'];
  /** Default: from `env` (BULK_USERS_API_MAX_COUNT, ..._TOTAL, ..._PER_KEY). */
  caps?: ApiCreateCaps;
}

export interface CreateApiPopulationResult {
  batchId: string;
  /** The password generated because the request gave none; the only time it leaves the server in plain text. */
  generatedPassword?: string;
  /** Members that exist after the run. */
  created: number;
  /** Members that could not be created (their username is taken). */
  failed: number;
  conflicts: number;
  conflictSample: Conflict[];
  outcome: ReconcileResult['outcome'];
  sync: SyncResult[];
  executionTime: number;
}

/**
 * POST /api/bulk-users/create: validate (ApiSpecInvalidError), check the caps on counts
 * (CreateCapExceededError) and every other spec under a lock (ApiSpecConflictError),
 * store the spec (password encrypted), then
 * reconcile the whole desired state as `reconcile --yes` would. A run refused or failed
 * before it wrote anything of the population removes the stored spec again, so a failed
 * create leaves nothing behind; one that stopped mid-apply keeps it, and the next
 * reconcile completes it.
 */
export async function createApiPopulation(database: OpenDatabase, opts: CreateApiPopulationOptions): Promise<CreateApiPopulationResult> {
  const started = Date.now();
  const logger = operationLogger(opts.logger ?? silentLogger, 'bulk_user_creation');
  const { db } = database;
  const prepared = await prepareApiPopulation(db, { request: opts.request, specsDir: opts.specsDir, ...(opts.now ? { now: opts.now } : {}), ...(opts.env ? { env: opts.env } : {}) });
  const name = prepared.name;
  const caps = opts.caps ?? apiCreateCapsFromEnv(opts.env ?? process.env);
  checkRequestCap(prepared.population.count, caps);
  await withApiSpecLock(db, async (trx) => {
    await checkStoredCaps(trx, { count: prepared.population.count, creator: opts.actor ?? null }, caps);
    await checkApiConflicts(trx, prepared);
    await insertApiPopulation(trx, {
      name,
      spec: prepared.storedSpec,
      labels: prepared.labels,
      passwordEnc: prepared.password?.value !== undefined ? encryptSecret(opts.secretKey, name, prepared.password.value) : null,
      createdBy: opts.actor ?? null,
    });
  });

  let result: ReconcileResult;
  let store: UserStore | undefined;
  try {
    // The spec files as the request was validated against, not read a third time.
    const desired = await loadDesiredState({ db, specsDir: opts.specsDir, files: prepared.files, secretKey: opts.secretKey, ...(opts.env ? { env: opts.env } : {}) });
    store = userStoreFor(desired.state.config);
    result = await reconcileForApi(database, desired.state, { ...opts, logger });
  } catch (err) {
    logger.error({ batch: name, err: err instanceof Error ? err.message : String(err), execution_time: (Date.now() - started) / 1000 }, 'bulk user creation did not complete');
    // The population record is written before any of its rows: without it, nothing was.
    const record = await db.selectFrom('bulk_populations').select('name').where('name', '=', name).executeTakeFirst().catch(() => ({ name }));
    if (!record) await deleteApiPopulation(db, name).catch(() => {});
    throw err;
  }

  const created = await countMembersOf(db, store, name);
  const planned = result.plan.populations.find((p) => p.name === name);
  const executionTime = (Date.now() - started) / 1000;
  logger.info({ batch: name, requested: prepared.population.count, created, outcome: result.outcome, execution_time: executionTime }, 'bulk user creation finished');
  return {
    batchId: name,
    ...(prepared.generatedPassword !== undefined ? { generatedPassword: prepared.generatedPassword } : {}),
    created,
    failed: Math.max(0, prepared.population.count - created),
    conflicts: planned?.conflicts.count ?? 0,
    conflictSample: planned?.conflicts.sample ?? [],
    outcome: result.outcome,
    sync: result.sync,
    executionTime,
  };
}
