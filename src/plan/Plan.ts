import type { PopulationSpec } from '../spec/DesiredState.ts';

/** Inclusive range of sequence numbers. */
export type SeqRange = [from: number, to: number];

/** Who holds a username the population wanted. */
export type ConflictHolder = 'production' | 'other-population' | 'unmanaged-test-user';

export interface Conflict {
  population: string;
  seq: number;
  username: string;
  heldBy: ConflictHolder;
  holderPopulation?: string;
}

/** The lease of a population with a TTL or an expiry instant. */
export interface Lease {
  /** When the current lease began (first apply, or the last renewal). */
  startedAt: string;
  /** What the lease depends on (count, pattern, ttl, expiresAt): a change renews it. */
  key: string;
  expiresAt: string;
}

/** A population as the specs want it, with everything resolved that the planner compares. */
export interface DesiredPopulation {
  /**
   * What the population should hold now: the spec as written, or with count 0 once its
   * lease has passed (an expired population keeps no users until renewed).
   */
  spec: PopulationSpec;
  /** The spec as written (stored, shown, hashed). */
  declared?: PopulationSpec;
  /** Absent for a population without ttl/expiresAt: it never expires. */
  lease?: Lease;
  expired?: boolean;
  source: 'file' | 'api';
  /** Hash of what every member row carries besides its username (email rule, attributes, password). */
  contentHash: string;
  /** Hash of the whole spec; a change bumps the population's generation. */
  specHash: string;
  /** How the password compares with what the database holds. */
  password: 'unchanged' | 'changed' | 'new' | 'unresolved';
  /** Why an unresolved password cannot be read, when its variable is set but may not be (an API-defined population). */
  passwordRefusal?: string;
}

/** What the database holds for one population (aggregates, never rows). */
export interface ObservedPopulation {
  name: string;
  /** Has a row in bulk_populations (only those are ever deleted). */
  known: boolean;
  source?: 'file' | 'api';
  phase?: string;
  usernamePattern?: string;
  deletionPolicy?: 'Delete' | 'Retain';
  specHash?: string;
  /** The last apply finished the record (observed_generation = generation). */
  settled?: boolean;
  leaseStartedAt?: string | null;
  leaseKey?: string | null;
  /** Managed rows (is_test_user, this population). */
  total: number;
  /** Rows whose seq is in the desired range and whose username is the one the pattern gives. */
  inRange: number;
  /** Of inRange, rows whose content hash differs from the desired one. */
  stale: number;
  /**
   * Digest of the inRange members as they will be after apply (username + desired content
   * hash); "0" when the population syncs nowhere. Compared with what targets hold. Absent
   * when memberBlock is set (memberDigest in db/observe.ts computes it from the block).
   */
  memberDigest?: string;
  /**
   * Set when the members are exactly the pattern's usernames for the seqs lo..hi, all with
   * the desired content hash (a synced population the user summary settles).
   */
  memberBlock?: { lo: number; hi: number };
}

/** Missing members of a population, as ranges, minus usernames held by someone else. */
export interface CreateGaps {
  ranges: SeqRange[];
  count: number;
  conflicts: Conflict[];
  conflictCount: number;
}

/** What one sync target holds compared with what it should, per population. */
export interface ObservedTargetPopulation {
  population: string;
  /** The population lists this target (its members belong there). */
  desired: boolean;
  /** Orphaned by deletionPolicy Retain: what the target holds is left as it is. */
  frozen: boolean;
  /** Existing members the target lacks or holds with another content hash. */
  unsynced: number;
  /** Records the target holds that are not (or no longer) members. */
  extra: number;
}

export interface ObservedTarget {
  name: string;
  type: 'loadtester' | 'file';
  /** Set when the target could not be asked; its sync is planned from the sync state alone. */
  unreachable?: string;
  /** An optional target that could not be reached at all: the run leaves it alone, its records stay pending. */
  skipped?: boolean;
  /** Records found different between the target and the sync state (lost, altered, unknown). */
  drift: number;
  populations: ObservedTargetPopulation[];
}

export interface Observed {
  populations: ReadonlyMap<string, ObservedPopulation>;
  gaps: ReadonlyMap<string, CreateGaps>;
  productionUsers: number;
  /** productionUsers is an estimate (a large table), not a count. */
  productionUsersApproximate?: boolean;
  targets?: readonly ObservedTarget[];
}

export type PopulationAction = 'create' | 'update' | 'replace' | 'delete' | 'retain' | 'expire' | 'noop';
export type DeleteReason = 'scale-down' | 'spec-removed' | 'replace' | 'expired' | 'orphaned';

export interface PopulationPlan {
  name: string;
  action: PopulationAction;
  /** Why, in a few words, for humans (e.g. "pattern a_{id} -> b_{id}"). */
  reasons: string[];
  create: { count: number; ranges: SeqRange[] };
  update: { count: number };
  delete: { count: number; reason?: DeleteReason };
  conflicts: { count: number; sample: Conflict[] };
  /** The population record itself changes (spec, phase), even when no user row does. */
  recordChanges: boolean;
  desired?: DesiredPopulation;
  observed?: ObservedPopulation;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  syncUpsert: number;
  syncDelete: number;
  conflicts: number;
}

export interface MassDeleteGuard {
  refused: boolean;
  message?: string;
}

export interface TargetPlan {
  name: string;
  type: 'loadtester' | 'file';
  upsert: number;
  delete: number;
  drift: number;
  unreachable?: string;
  /** See ObservedTarget.skipped. */
  skipped?: boolean;
  populations: { population: string; upsert: number; delete: number }[];
}

export interface Plan {
  populations: PopulationPlan[];
  targets: TargetPlan[];
  summary: PlanSummary;
  productionUsers: number;
  /** productionUsers is an estimate: no number of the plan depends on it. */
  productionUsersApproximate?: boolean;
  managedUsers: number;
  guard: MassDeleteGuard;
  /** True when applying would write anything (users, targets or population records). */
  hasChanges: boolean;
  /**
   * Rows of the application that reference users this plan deletes (foreign keys to the
   * user store's table, and the dependents the operator named); absent when nothing is
   * deleted.
   */
  dependents?: DependentRows[];
}

/** Rows of one table that reference users a plan deletes. */
export interface DependentRows {
  table: string;
  column: string;
  /** Referencing rows of the users to delete. */
  rows: number;
  /** The foreign key's ON DELETE action; null for a named dependent without a foreign key. */
  onDelete: 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default' | null;
  /** Named in the store's dependents: deleted first, in the same transaction as the users. */
  deletedFirst: boolean;
}

/** Dependents that would make the deletion fail: referencing rows under a NO ACTION or RESTRICT key that nobody deletes first. */
export function blockingDependents(dependents: readonly DependentRows[] | undefined): DependentRows[] {
  return (dependents ?? []).filter((d) => d.rows > 0 && !d.deletedFirst && (d.onDelete === 'no action' || d.onDelete === 'restrict'));
}
