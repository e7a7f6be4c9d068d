import type { ColumnType, Generated } from 'kysely';

/**
 * The application's `users` table plus the reconciler's columns. Rows with
 * `is_test_user = false` are production users: read for counts and conflicts, never written.
 */
export interface UsersTable {
  id: Generated<string>;
  username: string;
  email: string | null;
  password_hash: string | null;
  is_test_user: Generated<boolean>;
  is_admin: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  population: string | null;
  seq: string | number | null;
  content_hash: string | null;
  expires_at: Date | null;
  attributes: ColumnType<unknown, string | null, string | null>;
}

/** One row per population the reconciler has applied: its last applied spec and status. */
export interface PopulationsTable {
  name: string;
  source: 'file' | 'api';
  spec: ColumnType<unknown, string, string>;
  spec_hash: string;
  generation: number;
  observed_generation: number;
  username_pattern: string;
  deletion_policy: 'Delete' | 'Retain';
  password_hash: string | null;
  /** Active, Orphaned (spec gone, Retain), Deleting (spec gone, Delete, rows left). */
  phase: string;
  status: ColumnType<unknown, string, string>;
  /** When the current lease of a population with a TTL began. */
  lease_started_at: Date | null;
  /** What the lease depends on (count, pattern, ttl): a change renews it. */
  lease_key: string | null;
  expires_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ReconcileRunsTable {
  id: Generated<string>;
  trigger: string;
  dry_run: boolean;
  started_at: Generated<Date>;
  finished_at: Date | null;
  outcome: string;
  summary: ColumnType<unknown, string | null, string | null>;
  error: string | null;
  execution_ms: number | null;
  /** Who applied (migration 0005; null for older runs). */
  actor: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SyncStateTable {
  target: string;
  username: string;
  population: string;
  content_hash: string;
  updated_at: Generated<Date>;
}

export interface TargetsTable {
  name: string;
  type: string;
  spec: ColumnType<unknown, string, string>;
  last_run_at: Date | null;
  last_success_at: Date | null;
  last_error: string | null;
  status: ColumnType<unknown, string | undefined, string>;
}

export interface AuditTable {
  id: Generated<string>;
  at: Generated<Date>;
  run_id: string | null;
  actor: string;
  trigger: string;
  rule: string;
  population: string | null;
  count: number;
}

export interface Database {
  users: UsersTable;
  bulk_populations: PopulationsTable;
  bulk_reconcile_runs: ReconcileRunsTable;
  bulk_sync_state: SyncStateTable;
  bulk_targets: TargetsTable;
  bulk_audit: AuditTable;
  bulk_api_populations: ApiPopulationsTable;
  bulk_api_keys: ApiKeysTable;
  bulk_sessions: SessionsTable;
  bulk_login_failures: LoginFailuresTable;
  bulk_templates: TemplatesTable;
  bulk_population_status: PopulationStatusTable;
}

/** A population's status as the last run saw it (migration 0005; src/reconcile/recordPopulationStatus.ts). */
export interface PopulationStatusTable {
  name: string;
  phase: string;
  desired_count: number | null;
  declared_count: number | null;
  actual_count: number;
  conflicts: number;
  generation: number;
  observed_generation: number;
  targets: ColumnType<unknown, string, string>;
  conditions: ColumnType<unknown, string, string>;
  last_error: ColumnType<unknown, string | null, string | null>;
  last_run_id: number | null;
  updated_at: Date;
}

/** A population created through the HTTP API: its document spec without the password. */
export interface ApiPopulationsTable {
  name: string;
  spec: ColumnType<unknown, string, string>;
  labels: ColumnType<Record<string, string>, string, string>;
  /** AES-256-GCM of the password (src/crypto/secretBox.ts); null when the spec uses fromEnv. */
  password_enc: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface ApiKeysTable {
  /** Public part of the key, shown by `api-key list`. */
  id: string;
  name: string;
  /** SHA-256 (hex) of the secret part. */
  secret_hash: string;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface SessionsTable {
  id: string;
  secret_hash: string;
  user_id: string | number;
  created_at: Generated<Date>;
  expires_at: Date;
  /** SHA-256 (hex) of the user's password_hash when the session was opened (migration 0007). */
  password_fingerprint: string;
}

/** Failed logins per username or client address (migration 0007; src/db/loginFailures.ts). */
export interface LoginFailuresTable {
  scope: 'username' | 'address';
  key: string;
  failures: number;
  window_started_at: Date;
  locked_until: Date | null;
}

export interface TemplatesTable {
  name: string;
  spec: ColumnType<unknown, string, string>;
  description: string | null;
  created_at: Generated<Date>;
}
