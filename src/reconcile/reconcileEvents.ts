import { EventEmitter } from 'node:events';
import type { PlanSummary } from '../plan/Plan.ts';
import type { RunTrigger } from './runs.ts';

/** An applying reconcile that ended (dry runs are not runs). */
export interface RunEvent {
  trigger: RunTrigger;
  /** applied, partial, no-changes, cancelled, refused or failed. */
  outcome: string;
  durationSeconds: number;
  /** The plan it worked from; absent when it failed before planning (lock timeout, database down). */
  summary?: PlanSummary;
  /** Usernames found taken between plan and apply. */
  lateConflicts: number;
}

/** Rows one applyPlan wrote, also when it stopped part way (reconcile and cleanup alike). */
export interface UsersEvent {
  created: number;
  updated: number;
  deleted: number;
}

/** One target's sync in a run. */
export interface SyncEvent {
  target: string;
  upserted: number;
  deleted: number;
  /** Records the plan had for the target that it did not take (the sync failed part way). */
  failed: number;
  error: boolean;
  durationSeconds: number;
}

interface EventMap {
  run: [RunEvent];
  users: [UsersEvent];
  sync: [SyncEvent];
}

/**
 * What the core reports as it works, for whoever listens (the /metrics registry of
 * `serve`). The core emits and never waits: no listener, no cost; a listener that throws
 * is the listener's bug, so emit() below keeps it away from the run.
 */
export const reconcileEvents = new EventEmitter<EventMap>();
// One listener per app built in the process (tests build many).
reconcileEvents.setMaxListeners(0);

export function emitReconcileEvent<K extends keyof EventMap>(name: K, ...args: EventMap[K]): void {
  try {
    (reconcileEvents.emit as (n: string, ...a: unknown[]) => boolean)(name, ...args);
  } catch {
    // Metrics must never fail a run.
  }
}
