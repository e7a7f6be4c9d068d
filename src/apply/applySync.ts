import pLimit from 'p-limit';
import { expandRuns, runRecords } from '../loadtester/credentialRuns.ts';
import { chunkMarks, EXTRA_START, type SeqRun, markChunksSynced, markUnsynced, nextExtraWindow, nextRowsChunk, nextUnsyncedWindow, replaceSyncStateWithRows, type ChunkMarks, type ExtraCursor, type SyncCandidate, type UnsyncedCandidate } from '../db/syncQueries.ts';
import { hasForeignRanges, type UsernameShape } from '../db/syncRanges.ts';
import { asyncCommit } from '../db/asyncCommit.ts';
import type { Db } from '../db/openDatabase.ts';
import type { UserStore } from '../db/userStore/UserStore.ts';
import { recordTargetRun } from '../db/targetRecords.ts';
import { timed, type StageTimes } from '../metrics/stageTimes.ts';
import type { Logger } from '../log/logger.ts';
import type { TargetPlan } from '../plan/Plan.ts';
import type { SyncTargetSpec } from '../spec/DesiredState.ts';
import { emitReconcileEvent } from '../reconcile/reconcileEvents.ts';
import { TargetError, type IncrementalTarget, type RecordRuns, type SnapshotTarget, type SyncTargetDriver, type TargetRecord } from '../targets/SyncTargetDriver.ts';

export interface SyncJob {
  spec: SyncTargetSpec;
  driver: SyncTargetDriver;
  plan: TargetPlan;
  /** Populations whose members belong in this target. */
  populations: string[];
  /**
   * The username pattern of each of them (a run of its members is kept as one range of the
   * sync state), and what follows a member's username in its e-mail address: given, runs
   * of members the target lacks are sent as runs (RecordRuns).
   */
  shapes: ReadonlyMap<string, UsernameShape & { emailSuffix?: string }>;
  /** Populations retained as orphans: their records stay where they are. */
  frozen: string[];
  /**
   * Look through everything the target holds for records to delete. False when the plan
   * found nothing held beyond the members and the run deletes no users: that pass probes
   * the users once per record held (at a million records, seconds even when it finds
   * nothing, tens of seconds when the users are not in PostgreSQL's cache).
   */
  scanForExtras: boolean;
}

/** Confirmed chunks recorded per transaction of the sync state (see syncIncremental). */
const MARK_BATCH_CHUNKS = 8;

export interface SyncResult {
  target: string;
  upserted: number;
  deleted: number;
  error?: string;
  /** An optional target that could not be reached: not a failure; what it lacks stays pending for the next run. */
  skipped?: string;
}

/**
 * Brings one target to the database's state: deletes first (so a username that moved
 * is never deleted after being sent), then every row it lacks, chunk by chunk, up to
 * `concurrency` requests at a time. The sync state changes only after the target
 * confirmed a chunk, so a crash or a failed chunk is simply resumed by the next run.
 */
export async function applySync(db: Db, job: SyncJob, opts: { store: UserStore; passwords: ReadonlyMap<string, string>; logger: Logger; signal?: AbortSignal }): Promise<SyncResult> {
  const started = Date.now();
  const result: SyncResult = { target: job.spec.name, upserted: 0, deleted: 0 };
  const stages: StageTimes = {};
  if (job.plan.skipped) return skipOptional(db, job, result, job.plan.unreachable ?? 'unreachable', opts.logger);
  try {
    if (job.driver.mode === 'incremental') await syncIncremental(db, job, job.driver, result, { ...opts, stages });
    else await syncSnapshot(db, opts.store, job, job.driver, result, opts.passwords);
    // What was sent went through, but a target that could not be observed was never
    // checked for drift: it is not known to be in step, so this run did not finish it.
    if (job.plan.unreachable) throw new Error(`${job.plan.unreachable}; it could not be checked for drift, the next run retries`);
    await recordTargetRun(db, job.spec, { status: { inSync: true } });
  } catch (err) {
    if (job.spec.optional && err instanceof TargetError && err.offline) return skipOptional(db, job, result, err.message, opts.logger);
    result.error = err instanceof Error ? err.message : String(err);
    await recordTargetRun(db, job.spec, { error: result.error, status: { inSync: false } }).catch(() => {});
  }
  // A target that failed is an error line, so `grep ERROR` on the log finds it.
  const line = { target: job.spec.name, upserted: result.upserted, deleted: result.deleted, error: result.error, execution_time: (Date.now() - started) / 1000 };
  if (result.error) opts.logger.error(line, 'target sync failed');
  else opts.logger.info(line, 'target synced');
  // Where the time went (summed over concurrent chunks): for benchmarks and debugging.
  opts.logger.debug({ target: job.spec.name, stages_ms: stages }, 'target sync stages');
  emitReconcileEvent('sync', {
    target: job.spec.name,
    upserted: result.upserted,
    deleted: result.deleted,
    failed: result.error ? Math.max(0, job.plan.upsert + job.plan.delete - result.upserted - result.deleted) : 0,
    error: result.error !== undefined,
    durationSeconds: (Date.now() - started) / 1000,
  });
  return result;
}

/** Chunks already confirmed stay marked synced; the rest stays pending, and the status shows the target unreachable. */
async function skipOptional(db: Db, job: SyncJob, result: SyncResult, reason: string, logger: Logger): Promise<SyncResult> {
  result.skipped = reason;
  await recordTargetRun(db, job.spec, { error: reason, status: { inSync: false } }).catch(() => {});
  logger.warn({ target: job.spec.name, optional: true, upserted: result.upserted, deleted: result.deleted, err: reason }, 'optional target unreachable; its records stay pending for the next run');
  return result;
}

function passwordOf(population: string, passwords: ReadonlyMap<string, string>): string {
  const password = passwords.get(population);
  if (password === undefined) throw new Error(`no password available for population ${population}`);
  return password;
}

function toRecord(row: SyncCandidate, passwords: ReadonlyMap<string, string>): TargetRecord {
  return { username: row.username, password: passwordOf(row.population, passwords), email: row.email, population: row.population, content_hash: row.content_hash, attributes: row.attributes };
}

async function syncIncremental(
  db: Db,
  job: SyncJob,
  target: IncrementalTarget,
  result: SyncResult,
  opts: { store: UserStore; passwords: ReadonlyMap<string, string>; logger: Logger; signal?: AbortSignal; stages: StageTimes },
): Promise<void> {
  const { stages } = opts;
  const { chunkSize, concurrency } = job.spec;
  const limit = pLimit(concurrency);
  // The first failure stops new chunks from being queued; chunks in flight finish.
  let failure: unknown;
  const inflight = new Set<Promise<void>>();
  const submit = (work: () => Promise<void>): void => {
    const p: Promise<void> = limit(async () => {
      if (failure) return;
      try {
        await work();
      } catch (err) {
        failure ??= err;
      }
    }).finally(() => inflight.delete(p));
    inflight.add(p);
  };
  const drain = async (): Promise<void> => {
    await Promise.all(inflight);
    if (failure) throw failure;
  };
  // At most `concurrency` chunks are held at once (in flight, none queued behind them), so
  // memory stays flat however large the population or the chunks.
  const backpressure = async (): Promise<void> => {
    while (inflight.size >= concurrency) await Promise.race(inflight);
  };

  // Chunks of up to chunkSize records to send, gathered from bounded windows of the sync
  // state / the population, so a sparse difference in a large set costs index probes.
  // 2,500 rows: the next window is read while this one is sent, so two are held at once
  // (5,000 rows each had taken the sync's peak RSS over 200 MB at 1M records).
  const window = Math.max(chunkSize, 2500);
  // A chunk holds up to chunkSize records: an item is one record, or several (a run, cut
  // where a chunk ends).
  const one = { size: () => 1, cut: <T>(item: T): [T, T] => [item, item] };
  const inChunks = async <T, C>(
    next: (cursor: C) => Promise<{ items: T[]; done: boolean; last: C }>,
    start: C,
    send: (chunk: T[]) => Promise<void>,
    sized: { size: (item: T) => number; cut: (item: T, n: number) => [T, T] } = one,
  ): Promise<void> => {
    let pending: T[] = [];
    let held = 0;
    const flush = async (): Promise<void> => {
      const chunk = pending;
      pending = [];
      held = 0;
      if (chunk.length === 0) return;
      await backpressure();
      submit(() => send(chunk));
    };
    // The next window is read while this one's chunks are queued and sent, so the reads
    // (one at a time) overlap the sends instead of adding to them.
    let ahead = next(start);
    for (;;) {
      if (failure || opts.signal?.aborted) break;
      const w = await ahead;
      if (!w.done) {
        ahead = next(w.last);
        ahead.catch(() => {}); // awaited on the next turn; a loop stopped by a failure never does
      }
      for (let item of w.items) {
        while (held + sized.size(item) > chunkSize) {
          const [head, rest] = sized.cut(item, chunkSize - held);
          pending.push(head);
          await flush();
          item = rest;
        }
        pending.push(item);
        held += sized.size(item);
        if (held >= chunkSize) await flush();
      }
      if (w.done) break;
    }
    await flush();
  };

  // Confirmed chunks are recorded eight to a transaction (recordInBatches): consecutive
  // chunks of a population become one range, and a delete's split or trim of a range,
  // done under the target's split lock, is not queued for by every sender each chunk.
  // Confirmed but not yet recorded is safe: a run stopped then leaves the target holding
  // more or less than the sync state says, which the next run's drift repair finds (a
  // record sent again is kept as it is). What is left is recorded at the end of each
  // phase, also after a failure or abort.
  const batchRows = chunkSize * MARK_BATCH_CHUNKS;
  const phase = async (work: () => Promise<void>, batches: () => Iterable<Batched<never>>): Promise<void> => {
    let failed: unknown;
    try {
      await work();
      await drain();
    } catch (err) {
      failed = err;
    }
    await Promise.allSettled(inflight);
    try {
      for (const b of batches()) await b.flush();
    } catch (err) {
      failed ??= err;
    }
    if (failed) throw failed;
  };

  if (job.scanForExtras) {
    const gone = recordInBatches<string>(batchRows, (usernames) => timed(stages, 'delete.mark', () => asyncCommit(db, (trx) => markUnsynced(trx, job.spec.name, usernames))));
    await phase(
      () =>
        inChunks(
          async (cursor: ExtraCursor) => {
            const w = await timed(stages, 'delete.read', () => nextExtraWindow(db, opts.store, job.spec.name, job.populations, job.frozen, cursor, window));
            return { items: w.usernames, done: w.done, last: w.last };
          },
          EXTRA_START,
          async (usernames) => {
            await timed(stages, 'delete.send', () => target.delete(usernames));
            result.deleted += usernames.length;
            await gone.add(usernames);
          },
        ),
      () => [gone],
    );
  }

  const sent = new Map<string, Batched<ChunkMarks>>();
  await phase(
    async () => {
      for (const population of job.populations) {
        if (!job.plan.populations.some((p) => p.population === population && p.upsert > 0)) continue;
        const shape = job.shapes.get(population)!;
        const marking = { name: population, shape, foreignRanges: await hasForeignRanges(db, job.spec.name, population, shape) };
        const batch = recordInBatches<ChunkMarks>(MARK_BATCH_CHUNKS, (chunks) =>
          timed(stages, 'upsert.mark', () => asyncCommit(db, (trx) => markChunksSynced(trx, job.spec.name, chunks, marking))),
        );
        sent.set(population, batch);
        await inChunks<UnsyncedCandidate | SeqRun, number>(
          async (seq: number) => {
            return timed(stages, 'upsert.read', async () => {
              const w = await nextUnsyncedWindow(db, opts.store, job.spec.name, population, shape, seq, window, shape.emailSuffix);
              return { items: inSeqOrder(w.rows, w.runs), done: w.done, last: w.last };
            });
          },
          -1,
          async (items) => {
            const rows = items.filter(isRow);
            const runs = items.filter((i): i is SeqRun => !isRow(i));
            const records = rows.map((r) => toRecord(r, opts.passwords));
            let recordRuns: RecordRuns | undefined;
            if (runs.length > 0) {
              const sent = toRecordRuns(runs, population, shape, opts.passwords);
              recordRuns = sent.runs;
              records.push(...sent.records);
            }
            await timed(stages, 'upsert.send', () => target.upsert(records, recordRuns));
            result.upserted += records.length + (recordRuns ? runRecords(recordRuns.runs) : 0);
            await batch.add([chunkMarks(rows, marking, runs)]);
          },
          { size: (i) => (isRow(i) ? 1 : i.hi - i.lo + 1), cut: (i, n) => (isRow(i) ? [i, i] : [{ ...i, hi: i.lo + n - 1 }, { ...i, lo: i.lo + n }]) },
        );
      }
    },
    () => sent.values(),
  );
  if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('sync aborted');
}

function isRow(item: UnsyncedCandidate | SeqRun): item is UnsyncedCandidate {
  return 'username' in item;
}

/** A window's rows and runs merged by seq (each already in seq order). */
function inSeqOrder(rows: UnsyncedCandidate[], runs: SeqRun[]): (UnsyncedCandidate | SeqRun)[] {
  if (runs.length === 0) return rows;
  const out: (UnsyncedCandidate | SeqRun)[] = [];
  let i = 0;
  for (const run of runs) {
    while (i < rows.length && rows[i]!.seq < run.lo) out.push(rows[i++]!);
    out.push(run);
  }
  while (i < rows.length) out.push(rows[i++]!);
  return out;
}

/**
 * A chunk's runs as the target takes them, with the fields of the runs covering the most
 * members; the records of runs of another content (a chunk that spans two windows whose
 * first rows differ) are spelled out.
 */
function toRecordRuns(runs: readonly SeqRun[], population: string, shape: UsernameShape & { emailSuffix?: string }, passwords: ReadonlyMap<string, string>): { runs: RecordRuns; records: TargetRecord[] } {
  const password = passwordOf(population, passwords);
  const size = new Map<string, number>();
  for (const r of runs) size.set(r.content_hash, (size.get(r.content_hash) ?? 0) + r.hi - r.lo + 1);
  const main = runs.reduce((best, r) => (size.get(r.content_hash)! > size.get(best.content_hash)! ? r : best));
  const asRuns = (of: readonly SeqRun[], r: SeqRun): RecordRuns => ({
    fields: { password, population, content_hash: r.content_hash, attributes: r.attributes },
    // Runs come only from windows read with the population's e-mail suffix.
    runs: of.map((x) => ({ prefix: shape.prefix, suffix: shape.suffix, from: x.lo, to: x.hi, email_suffix: shape.emailSuffix! })),
  });
  return {
    runs: asRuns(runs.filter((r) => r.content_hash === main.content_hash), main),
    records: runs.filter((r) => r.content_hash !== main.content_hash).flatMap((r) => expandRuns(asRuns([r], r))),
  };
}

interface Batched<T> {
  add(items: readonly T[]): Promise<void>;
  flush(): Promise<void>;
}

/** Items gathered and written `size` at a time by `write`; flush() writes what is left. */
function recordInBatches<T>(size: number, write: (items: T[]) => Promise<void>): Batched<T> {
  let held: T[] = [];
  const flush = async (): Promise<void> => {
    if (held.length === 0) return;
    const items = held;
    held = [];
    await write(items);
  };
  return {
    async add(items) {
      for (const item of items) held.push(item);
      if (held.length >= size) await flush();
    },
    flush,
  };
}

async function syncSnapshot(db: Db, store: UserStore, job: SyncJob, target: SnapshotTarget, result: SyncResult, passwords: ReadonlyMap<string, string>): Promise<void> {
  const populations = job.populations;
  async function* rows(): AsyncGenerator<TargetRecord> {
    let after = { population: '', seq: -1 };
    for (;;) {
      const chunk = await nextRowsChunk(db, store, populations, after, 5000);
      if (chunk.length === 0) return;
      const last = chunk[chunk.length - 1]!;
      after = { population: last.population, seq: last.seq };
      for (const r of chunk) yield toRecord(r, passwords);
    }
  }
  const fingerprint = await target.write(rows());
  await replaceSyncStateWithRows(db, store, job.spec.name, populations);
  await recordTargetRun(db, job.spec, { status: { fingerprint } });
  result.upserted = job.plan.upsert;
  result.deleted = job.plan.delete;
}
