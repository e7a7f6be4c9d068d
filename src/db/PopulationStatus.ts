/**
 * A population's status as a controller reports it (Kubernetes-style): what is wanted
 * next to what is there, per sync target, which spec generation the last run saw, and
 * conditions. Kept in bulk_population_status; shown by `bulk-users status`, the API
 * (/api/bulk-users/batches) and the log.
 */
export type ConditionType = 'Ready' | 'Synced' | 'Expired' | 'Degraded';
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface StatusCondition {
  type: ConditionType;
  status: ConditionStatus;
  /** One CamelCase word for machines (Reconciled, SyncFailed, LeaseExpired, ...). */
  reason: string;
  /** A sentence for people. */
  message: string;
  /** When `status` last changed (not when the reason or message did). ISO 8601. */
  lastTransitionTime: string;
}

export type TargetSyncState = 'InSync' | 'Pending' | 'Failed' | 'Unreachable';

export interface TargetSyncStatus {
  target: string;
  state: TargetSyncState;
  /** Members the target should hold. */
  expected: number;
  /** Members it holds, as far as the sync state knows. */
  held: number;
  error?: string;
}

export interface LastError {
  reason: string;
  message: string;
  at: string;
  runId?: string;
}

export interface PopulationStatus {
  name: string;
  /** Active, Expired, Orphaned, Deleting, or Pending (never applied). */
  phase: string;
  /** Members wanted now (0 once the lease expired); null for a population whose spec is gone. */
  desiredCount: number | null;
  /** Members the spec declares. */
  declaredCount: number | null;
  actualCount: number;
  /** Usernames held by someone else (production users, other populations): never overwritten. */
  conflicts: number;
  /** Bumped whenever the spec changes. */
  generation: number;
  /** The generation the last complete apply brought about; behind `generation` while a change is unapplied. */
  observedGeneration: number;
  targets: TargetSyncStatus[];
  conditions: StatusCondition[];
  /** The most recent error (kept after recovery, with its time; the conditions say what holds now). */
  lastError: LastError | null;
  lastRunId: string | null;
  updatedAt: string;
}

