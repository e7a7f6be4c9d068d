import type { PasswordHash, UserStoreSpec } from './schemaTypes.generated.ts';
import type { UsernamePattern } from './usernamePattern.ts';

export type PasswordSource = { fromEnv: string } | { value: string };
export type DeletionPolicy = 'Delete' | 'Retain';

/** A validated TestUserPopulation with every default filled in. */
export interface PopulationSpec {
  name: string;
  labels: Record<string, string>;
  count: number;
  usernamePattern: string;
  pattern: UsernamePattern;
  idStart: number;
  emailDomain: string;
  password: PasswordSource;
  attributes: Record<string, unknown>;
  batchSize: number;
  ttl?: string;
  expiresAt?: string;
  syncTargets: string[];
  deletionPolicy: DeletionPolicy;
  /** Where it was declared, for messages. */
  origin: { file: string; line: number };
  /** Declared in a spec file (default) or created through the HTTP API and kept in the database. */
  source?: 'file' | 'api';
}

/** A validated SyncTarget with defaults filled in. */
export interface SyncTargetSpec {
  name: string;
  type: 'loadtester' | 'file';
  /** loadtester: the base URL, or the default when `urlFromEnv` is unset (targets/loadtester/targetConnection.ts). */
  url?: string;
  /** loadtester: environment variable holding the base URL, winning over `url`. */
  urlFromEnv?: string;
  /** loadtester: where the token comes from; absent = { tokenFromEnv: LOADTESTER_TOKEN }. */
  auth?: { tokenFromEnv: string };
  /** Unreachable is a warning, not a failure (records stay pending). Absent = false. */
  optional?: boolean;
  /** file: relative to the file target directory, never absolute, never with '..'. */
  path?: string;
  format?: 'artillery-csv' | 'csv' | 'k6-json';
  timeoutSeconds: number;
  retry: { attempts: number; delaySeconds: number };
  concurrency: number;
  chunkSize: number;
  origin: { file: string; line: number };
}

/** Protection settings (kind: ReconcilerConfig); the defaults apply without one. */
export interface ReconcilerConfig {
  strictMode: boolean;
  maxDeletePercent: number;
  allowPartialCleanup: boolean;
  confirmationRequired: boolean;
  /** Create batches written at once, or 'auto': measured on the first batches of a large create (apply/writeStreams.ts). */
  writeStreams: number | 'auto';
  /** The format test users' password hashes are written in. */
  passwordHash: PasswordHash;
  /** The directory file targets write into, relative to the directory holding the specs directory; absent = "out". */
  fileTargetDir?: string;
  /** The application's own users table; absent: the embedded users table. */
  userStore?: UserStoreSpec;
}

export const DEFAULT_RECONCILER_CONFIG: ReconcilerConfig = { strictMode: true, maxDeletePercent: 50, allowPartialCleanup: false, confirmationRequired: true, writeStreams: 'auto', passwordHash: { algorithm: 'scrypt' } };

/** Everything the specs ask for, once every document has validated. */
export interface DesiredState {
  populations: PopulationSpec[];
  targets: SyncTargetSpec[];
  /** Absent: DEFAULT_RECONCILER_CONFIG. */
  config?: ReconcilerConfig;
  /**
   * The spec directory (or file) it was read from, when read from one: file targets write
   * into `fileTargetDir` resolved beside it (targets/file/fileTargetDirectory.ts).
   */
  specsDir?: string;
}
