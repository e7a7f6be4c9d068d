import type pg from 'pg';
import { keysetLoop } from './keysetLoop.ts';
import type { Db } from '../db/openDatabase.ts';
import { batchRows, type MemberContent, type UserStore } from '../db/userStore/UserStore.ts';
import type { Logger } from '../log/logger.ts';
import type { Plan, PopulationPlan } from '../plan/Plan.ts';
import { DEFAULT_RECONCILER_CONFIG } from '../spec/DesiredState.ts';
import { isAddressPattern } from '../spec/usernamePattern.ts';
import { writePopulationRecord, finishPopulationRecord } from './populationRecords.ts';
import { emitReconcileEvent } from '../reconcile/reconcileEvents.ts';
import { createBatches, digitOrderOf } from './createBatches.ts';
import { WriteStreamsChoice, type WriteStreamsReport, type WriteStreamsSetting } from './writeStreams.ts';

export interface ApplyProgress {
  /** Rows written so far across the whole plan, and the rows the plan expects to write. */
  done: number;
  total: number;
  population: string;
  step: 'delete' | 'update' | 'create';
}

export interface ApplyOptions {
  /** Where the users are written. */
  store: UserStore;
  /** Password hash per population, resolved before apply (never plaintext). */
  passwordHashes: ReadonlyMap<string, string>;
  logger: Logger;
  onProgress?: (p: ApplyProgress) => void;
  /** Checked between batches: an aborted apply stops at a batch boundary. */
  signal?: AbortSignal;
  /** Who and what is deleting, for the audit record of every deletion. */
  audit?: { runId: string; actor: string; trigger: string };
  /** When given, creates go through COPY on a connection of this pool (INSERT otherwise). */
  copyPool?: pg.Pool;
  /**
   * Create batches written at once, each on its own connection of `copyPool` (the
   * ReconcilerConfig's writeStreams): a number, or 'auto' to measure (see WriteStreamsChoice).
   * Batches are independent and idempotent, so the order they land in does not matter; a
   * run killed in between leaves gaps that the next run's search finds.
   */
  writeStreams?: WriteStreamsSetting;
}

export interface ApplyResult {
  created: number;
  updated: number;
  deleted: number;
  /** Usernames taken between plan and apply (by the application, say): skipped, reported. */
  lateConflicts: number;
  /** How the creates were written (COPY runs only): the streams, and what 'auto' measured; plus the batch order. */
  writeStreams?: WriteStreamsReport & { order: 'username' | 'seq' };
}

/**
 * Executes a plan in batches of each population's batchSize, one statement (so one
 * transaction) per batch. Every batch is idempotent on its own, so a run that dies
 * anywhere is finished by the next run. Deletes go first so usernames they free can be
 * created in the same run.
 */
export async function applyPlan(db: Db, plan: Plan, opts: ApplyOptions): Promise<ApplyResult> {
  const result: ApplyResult = { created: 0, updated: 0, deleted: 0, lateConflicts: 0 };
  try {
    return await applyPlanInto(db, plan, opts, result);
  } finally {
    // What was written counts for /metrics also when the apply stopped part way.
    emitReconcileEvent('users', { created: result.created, updated: result.updated, deleted: result.deleted });
  }
}

async function applyPlanInto(db: Db, plan: Plan, opts: ApplyOptions, result: ApplyResult): Promise<ApplyResult> {
  const total = plan.summary.create + plan.summary.update + plan.summary.delete;
  let done = 0;
  const progress = (population: string, step: ApplyProgress['step'], n: number): void => {
    done += n;
    opts.onProgress?.({ done, total, population, step });
  };
  const checkAbort = (): void => {
    if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('apply aborted');
  };

  /** Rows this apply added (created less deleted) per population, for its recorded count. */
  const added = new Map<string, number>();
  const tally = (population: string, n: number): void => void added.set(population, (added.get(population) ?? 0) + n);

  const hasWork = (p: PopulationPlan): boolean => p.recordChanges || p.create.count + p.update.count + p.delete.count > 0;
  const active = plan.populations.filter((p) => p.desired && hasWork(p));
  // Records first: a user row must never exist for a population the database does not know.
  for (const p of active) {
    await writePopulationRecord(db, p.desired!, opts.passwordHashes.get(p.name) ?? null);
  }

  for (const p of plan.populations) {
    if (p.delete.count === 0) continue;
    const batchSize = p.desired?.spec.batchSize ?? 1000;
    const keep = p.desired?.spec ?? null;
    const n = await keysetLoop('seq', batchSize, checkAbort, async (cursor) => {
      const started = Date.now();
      const rows = await opts.store.deleteBatch(db, { population: p.name, keep, after: cursor, limit: batchSize });
      progress(p.name, 'delete', rows.length);
      logBatch(opts.logger, p, 'delete', rows.length, started);
      return rows;
    });
    result.deleted += n;
    tally(p.name, -n);
    if (opts.audit && n > 0) {
      await db
        .insertInto('bulk_audit')
        .values({ run_id: opts.audit.runId, actor: opts.audit.actor, trigger: opts.audit.trigger, rule: p.delete.reason ?? 'delete', population: p.name, count: n })
        .execute();
    }
  }

  // Decided at the first create, for every population of the run.
  let streams: WriteStreamsChoice | undefined;
  let inUsernameOrder: boolean | undefined;
  let usedOrder: 'username' | 'seq' = 'seq';
  for (const p of active) {
    const spec = p.desired!.spec;
    const passwordHash = opts.passwordHashes.get(p.name);
    if ((p.update.count > 0 || p.create.count > 0) && !passwordHash) throw new Error(`no password hash resolved for population ${p.name}`);
    const content: MemberContent = {
      population: p.name,
      prefix: spec.pattern.prefix,
      suffix: spec.pattern.suffix,
      emailDomain: isAddressPattern(spec.pattern) ? null : spec.emailDomain,
      passwordHash: passwordHash!,
      contentHash: p.desired!.contentHash,
      attributes: spec.attributes,
      expiresAt: p.desired!.lease?.expiresAt ?? null,
    };
    if (p.update.count > 0) {
      const n = await keysetLoop('seq', spec.batchSize, checkAbort, async (cursor) => {
        const started = Date.now();
        const rows = await opts.store.updateBatch(db, { ...content, lo: spec.idStart, hi: spec.idStart + spec.count, after: cursor, limit: spec.batchSize });
        progress(p.name, 'update', rows.length);
        logBatch(opts.logger, p, 'update', rows.length, started);
        return rows;
      });
      result.updated += n;
    }
    if (p.create.count > 0) {
      streams ??= new WriteStreamsChoice(opts.copyPool ? (opts.writeStreams ?? DEFAULT_RECONCILER_CONFIG.writeStreams) : 1, plan.summary.create);
      inUsernameOrder ??= (await opts.store.createsInUsernameOrder?.(db)) ?? false;
      const order = inUsernameOrder ? digitOrderOf(spec.pattern.suffix) : null;
      if (order) usedOrder = 'username';
      await streams.write(createBatches(p.create.ranges, spec.batchSize, order), checkAbort, async (batch) => {
        const started = Date.now();
        const size = batchRows(batch);
        const n = await opts.store.createBatch(db, opts.copyPool, { ...content, ...batch });
        result.created += n;
        tally(p.name, n);
        result.lateConflicts += size - n;
        progress(p.name, 'create', size);
        logBatch(opts.logger, p, 'create', n, started);
        return n;
      });
    }
  }
  if (streams && opts.copyPool) {
    result.writeStreams = { ...streams.report(), order: usedOrder };
    opts.logger.info({ writeStreams: result.writeStreams }, 'create write streams');
  }

  for (const p of plan.populations) {
    if (hasWork(p)) await finishPopulationRecord(db, opts.store, p, (p.observed?.total ?? 0) + (added.get(p.name) ?? 0));
  }
  return result;
}

function logBatch(logger: Logger, p: PopulationPlan, step: string, rows: number, started: number): void {
  logger.info({ population: p.name, step, rows, execution_time: (Date.now() - started) / 1000 }, `${step} batch`);
}
