import type { OpenDatabase } from '../db/openDatabase.ts';
import type { Logger } from '../log/logger.ts';
import type { SyncTargetDriver } from '../targets/SyncTargetDriver.ts';
import type { ControllerView } from '../reconcile/ReconcileController.ts';
import type { LoginProtection } from './auth/loginProtection.ts';
import type { SessionPolicy } from './auth/sessionPolicy.ts';
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
  /** Bearer token lifetimes (admins, test users). */
  sessions: SessionPolicy;
  lockTimeoutMs: number;
  /** Failed logins allowed per username and per address before a lock. */
  loginProtection: LoginProtection;
  /** DISABLE_AUTH=true, honoured (decideAuthDisabled): every route is open. */
  authDisabled: boolean;
  operations: OperationTracker;
  /** The clock (tests move it to expire tokens). */
  now: () => Date;
  logger: Logger;
  drivers?: ReadonlyMap<string, SyncTargetDriver>;
  /** This replica's continuous reconciliation (serve --schedule/--watch), for GET /api/bulk-users/runs. */
  controller?: { view(): ControllerView };
}
