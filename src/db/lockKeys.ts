/**
 * Every PostgreSQL advisory-lock key this program takes, in one place so no two uses can
 * share one: the reconciler, `serve` replicas and the Load Tester may all run against the
 * same database. "bulk" in ASCII, then a number per use.
 */
export const LOCK_KEYS = {
  /** Schema migrations of the reconciler (openDatabase). */
  migration: 0x62756c6b01,
  /** One applying reconcile at a time (advisoryLock). */
  reconcile: 0x62756c6b02,
  /** The leader of `serve` replicas, held for the leader's whole life (leaderLock). */
  leader: 0x62756c6b03,
  /** Writes of API-created population specs (apiPopulations). */
  apiSpecs: 0x62756c6b04,
  /** Schema migrations of the Load Tester (migrateLoadTester). */
  loadTesterMigration: 0x62756c6b05,
  /**
   * Create batches in flight: each holds it shared for its transaction (insertMembers),
   * and whoever takes the reconcile lock then waits for it exclusively (advisoryLock). A
   * batch goes to the server whole, so the server finishes the batches of a killed run on
   * its own, a few milliseconds later; the next run must look only after they landed.
   */
  createsInFlight: 0x62756c6b06,
  /**
   * Splitting ranges of the sync state of one target (syncRanges): two writers must not
   * split the same range. Taken as the first of two int4 keys (the second is a hash of the
   * target's name), a key space PostgreSQL keeps apart from the single bigint keys above.
   */
  syncRangeSplits: 0x62756c6b,
} as const;
