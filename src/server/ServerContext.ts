import type { OpenDatabase } from '../db/openDatabase.ts';
import type { Logger } from '../log/logger.ts';
import type { SyncTargetDriver } from '../targets/SyncTargetDriver.ts';
import type { ControllerView } from '../reconcile/ReconcileController.ts';
import type { OperationTracker } from './OperationTracker.ts';

/** What every route group gets from buildApp. */
export interface ServerContext {
  database: OpenDatabase;
  /** The server's key (BULK_USERS_SECRET_KEY or bulk-users.key): API population passwords. */
  secretKey: Buffer;
  specsDir: string;
  env: NodeJS.ProcessEnv;
  version: string;
  /** The file target directory; undefined: ReconcilerConfig fileTargetDir beside the specs. */
  baseDir?: string;
  sessionTtlMs: number;
  lockTimeoutMs: number;
  /** Login attempts allowed per client address and window. */
  loginRateLimit: { max: number; timeWindowMs: number };
  operations: OperationTracker;
  /** The clock (tests move it to expire tokens). */
  now: () => Date;
  logger: Logger;
  drivers?: ReadonlyMap<string, SyncTargetDriver>;
  /** This replica's continuous reconciliation (serve --schedule/--watch), for GET /api/bulk-users/runs. */
  controller?: { view(): ControllerView };
}
