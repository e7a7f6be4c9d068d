import type { RunInput } from '../loadtester/routeSchemas.ts';

/** One user as a sync target receives it. */
export interface TargetRecord {
  username: string;
  password: string;
  email: string | null;
  population: string;
  content_hash: string;
  attributes: Record<string, unknown> | null;
}

/**
 * Records named by a pattern (the Load Tester protocol's runs): for each run, the
 * usernames prefix || seq || suffix for seq from `from` to `to`, the e-mail address
 * username || email_suffix (none when null), and every other field from `fields`.
 */
export interface RecordRuns {
  fields: Omit<TargetRecord, 'username' | 'email'>;
  runs: RunInput[];
}

export interface SetDigest {
  count: number;
  digest: string;
}

/**
 * A target that takes changes record by record and can say what it holds without
 * listing it (the Load Tester). Every call is idempotent, so a retried or repeated call
 * is harmless.
 */
export interface IncrementalTarget {
  readonly mode: 'incremental';
  readonly name: string;
  /** Count and digest per population of everything the target holds. */
  digests(): Promise<Map<string, SetDigest>>;
  /** Non-empty buckets of one population. */
  bucketDigests(population: string, buckets: number): Promise<Map<number, SetDigest>>;
  /** The records of some buckets of one population (of any number: split into requests as the target needs). */
  listBuckets(population: string, buckets: number, bucketList: readonly number[]): Promise<{ username: string; content_hash: string }[]>;
  /** Writes the records and those the runs name; a target that cannot take runs is sent them one by one. */
  upsert(records: TargetRecord[], runs?: RecordRuns): Promise<void>;
  delete(usernames: string[]): Promise<void>;
}

/**
 * A target that is rewritten whole when anything changes (a credentials file). Its
 * fingerprint tells whether it still is what was last written.
 */
export interface SnapshotTarget {
  readonly mode: 'snapshot';
  readonly name: string;
  /** Fingerprint of the current content, or null when it does not exist. */
  fingerprint(): Promise<string | null>;
  /** Replaces the content atomically; returns the new fingerprint. */
  write(records: AsyncIterable<TargetRecord>): Promise<string>;
}

export type SyncTargetDriver = IncrementalTarget | SnapshotTarget;

/** A failure of one target, as the operator should read it. */
export class TargetError extends Error {
  constructor(
    readonly target: string,
    message: string,
    /** Worth retrying (timeouts, resets, 5xx, 429) as opposed to a refusal (4xx). */
    readonly retryable: boolean,
    /**
     * It could not be reached at all (connection refused, unknown host, timeout), as
     * opposed to answering with an error: an optional target skips the run then.
     */
    readonly offline = false,
    /** The target asked to wait this long before the next attempt (Retry-After). */
    readonly retryAfterMs?: number,
    /** The HTTP status it answered with, when it answered. */
    readonly status?: number,
  ) {
    super(`target "${target}": ${message}`);
    this.name = 'TargetError';
  }
}
