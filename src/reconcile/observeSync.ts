import { bucketsFor } from '../db/digestSql.ts';
import type { Db } from '../db/openDatabase.ts';
import type { UserStore } from '../db/userStore/UserStore.ts';
import { heldInBlock, type UsernameShape } from '../db/syncRanges.ts';
import { clearSyncState, countExtra, countUnsynced, replaceSyncBuckets, syncAggregates, syncBucketDigests } from '../db/syncQueries.ts';
import { memberDigest, memberRange } from '../db/observe.ts';
import { rememberRangeDigest } from '../db/userSummary.ts';
import { readTargetStatus } from '../db/targetRecords.ts';
import type { Logger } from '../log/logger.ts';
import type { DesiredPopulation, ObservedPopulation, ObservedTarget, ObservedTargetPopulation } from '../plan/Plan.ts';
import { retainedPopulations } from '../plan/planReconcile.ts';
import type { SyncTargetSpec } from '../spec/DesiredState.ts';
import { TargetError, type IncrementalTarget, type SetDigest, type SyncTargetDriver } from '../targets/SyncTargetDriver.ts';

const sameSet = (a: SetDigest | undefined, b: SetDigest | undefined): boolean =>
  (a?.count ?? 0) === (b?.count ?? 0) && (a?.digest ?? '0') === (b?.digest ?? '0');

/**
 * Per target: first make the sync state true (drift repair: compare digests, then bucket
 * digests, then list only differing buckets), then count what the target lacks and what
 * it holds too much. A target in sync costs one digest request and aggregate queries.
 * `db` is a transaction: a dry run rolls the repair back.
 */
export async function observeSync(
  db: Db,
  store: UserStore,
  targets: readonly SyncTargetSpec[],
  drivers: ReadonlyMap<string, SyncTargetDriver>,
  desired: readonly DesiredPopulation[],
  populations: ReadonlyMap<string, ObservedPopulation>,
  logger: Logger,
): Promise<ObservedTarget[]> {
  const frozen = new Set(retainedPopulations(desired.map((d) => d.spec.name), populations));
  const out: ObservedTarget[] = [];
  for (const spec of targets) {
    const driver = drivers.get(spec.name)!;
    let drift = 0;
    let unreachable: string | undefined;
    let skipped = false;
    let held = await syncAggregates(db, spec.name);
    try {
      const shapes = new Map(desired.map((d) => [d.spec.name, d.spec.pattern]));
      drift = driver.mode === 'incremental' ? await repairIncremental(db, driver, held, shapes, logger) : await repairSnapshot(db, spec.name, await driver.fingerprint());
    } catch (err) {
      unreachable = err instanceof Error ? err.message : String(err);
      skipped = spec.optional === true && err instanceof TargetError && err.offline;
      logger.warn({ target: spec.name, err: unreachable, ...(skipped ? { optional: true } : {}) }, skipped ? 'optional target unreachable; its records stay pending' : 'target could not be observed');
    }

    // Read again only if the repair changed the sync state.
    if (drift > 0) held = await syncAggregates(db, spec.name);
    const rows: ObservedTargetPopulation[] = [];
    const members = desired.filter((d) => d.spec.syncTargets.includes(spec.name));
    for (const d of members) {
      const o = populations.get(d.spec.name);
      const mine = held.get(d.spec.name);
      held.delete(d.spec.name);
      if (await holdsExactlyMembers(db, spec.name, d, o, mine)) {
        rows.push({ population: d.spec.name, desired: true, frozen: false, unsynced: 0, extra: 0 });
        continue;
      }
      rows.push({
        population: d.spec.name,
        desired: true,
        frozen: false,
        // Holding nothing of it, the target lacks every member.
        unsynced: mine ? await countUnsynced(db, store, spec.name, d.spec.name, d.spec, d.contentHash, o ? { members: o.inRange, ...(o.memberBlock ? { block: o.memberBlock } : {}) } : undefined) : (o?.inRange ?? 0),
        extra: mine ? await countExtra(db, store, spec.name, d.spec.name, d.spec) : 0,
      });
    }
    for (const [population, h] of held) {
      rows.push({ population, desired: false, frozen: frozen.has(population), unsynced: 0, extra: h.count });
    }
    out.push({ name: spec.name, type: spec.type, drift, populations: rows, ...(unreachable ? { unreachable } : {}), ...(skipped ? { skipped } : {}) });
  }
  return out;
}

/**
 * Whether what the sync state says a target holds of a population is its members: counts
 * first (a first sync stops there), then the members' digest if it is remembered (one
 * probe), then whether one block of ranges with the members' content holds every member
 * (their digest is then remembered, so the next run probes), and only then the digest
 * computed from the members (an md5 each).
 */
async function holdsExactlyMembers(db: Db, target: string, d: DesiredPopulation, o: ObservedPopulation | undefined, mine: SetDigest | undefined): Promise<boolean> {
  const count = o?.inRange ?? 0;
  if (count !== (mine?.count ?? 0)) return false;
  if (count === 0) return true;
  const remembered = await memberDigest(db, o, d, { rememberedOnly: true });
  if (remembered !== null) return sameSet({ count, digest: remembered }, mine);
  if (o?.memberBlock) {
    const held = await heldInBlock(db, target, d.spec.name, d.spec.pattern, d.contentHash, o.memberBlock);
    if (held.count === count) {
      await rememberRangeDigest(db, memberRange(o.memberBlock, d), held.digest);
      return true;
    }
  }
  return sameSet({ count, digest: (await memberDigest(db, o, d)) ?? '0' }, mine);
}

async function repairIncremental(db: Db, target: IncrementalTarget, ours: ReadonlyMap<string, SetDigest>, shapes: ReadonlyMap<string, UsernameShape>, logger: Logger): Promise<number> {
  const theirs = await target.digests();
  let drift = 0;
  for (const population of new Set([...theirs.keys(), ...ours.keys()])) {
    const t = theirs.get(population);
    if (sameSet(t, ours.get(population))) continue;
    const buckets = bucketsFor(Math.max(t?.count ?? 0, ours.get(population)?.count ?? 0));
    const [theirBuckets, ourBuckets] = await Promise.all([
      t ? target.bucketDigests(population, buckets) : Promise.resolve(new Map<number, SetDigest>()),
      syncBucketDigests(db, target.name, population, buckets),
    ]);
    const differing = [...new Set([...theirBuckets.keys(), ...ourBuckets.keys()])].filter((b) => !sameSet(theirBuckets.get(b), ourBuckets.get(b)));
    const listed = await target.listBuckets(population, buckets, differing.filter((b) => theirBuckets.has(b)));
    const n = await replaceSyncBuckets(db, target.name, population, buckets, differing, listed, shapes.get(population));
    drift += n;
    logger.warn({ target: target.name, population, buckets: differing.length, records: n }, 'target drifted from the sync state');
  }
  return drift;
}

/** A file that is missing or not what was last written is rewritten whole. */
async function repairSnapshot(db: Db, name: string, fingerprint: string | null): Promise<number> {
  const status = await readTargetStatus(db, name);
  if (fingerprint !== null && fingerprint === status.fingerprint) return 0;
  return clearSyncState(db, name);
}
