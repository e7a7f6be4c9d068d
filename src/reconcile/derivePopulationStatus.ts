import type { ConditionStatus, ConditionType, LastError, PopulationStatus, StatusCondition } from '../db/PopulationStatus.ts';

/** What a run learnt about one population: everything the status is derived from. */
export interface PopulationFacts
  extends Pick<PopulationStatus, 'name' | 'phase' | 'desiredCount' | 'declaredCount' | 'actualCount' | 'conflicts' | 'generation' | 'observedGeneration' | 'targets'> {
  /** Absent: the population never expires. */
  lease?: { expiresAt: string; expired: boolean };
  /** The run failed or was refused before this population's changes were written. */
  runError?: { reason: string; message: string };
  /** The spec files do not validate: the last valid ones stay in force. */
  specInvalid?: string;
  runId?: string;
}

type Draft = Omit<StatusCondition, 'lastTransitionTime'>;

const cond = (type: ConditionType, status: ConditionStatus, reason: string, message: string): Draft => ({ type, status, reason, message });

/**
 * Pure: the status a run's facts give, merged with the previous status so that a
 * condition's lastTransitionTime moves only when its status flips, and the last error is
 * remembered after recovery.
 */
export function derivePopulationStatus(f: PopulationFacts, previous: PopulationStatus | undefined, now: Date): PopulationStatus {
  const failedTargets = f.targets.filter((t) => t.state === 'Failed' || t.state === 'Unreachable');
  const pendingTargets = f.targets.filter((t) => t.state === 'Pending');
  const expired = f.lease?.expired === true;
  const wanted = f.desiredCount === null ? 0 : Math.max(0, f.desiredCount - f.conflicts);

  let ready: Draft;
  if (f.runError) ready = cond('Ready', 'False', f.runError.reason, f.runError.message);
  else if (expired) ready = cond('Ready', 'False', 'LeaseExpired', `the lease expired at ${f.lease!.expiresAt}; its users are deleted until renewed (bulk-users reconcile --renew ${f.name})`);
  else if (f.desiredCount === null) ready = cond('Ready', 'False', 'SpecRemoved', `the spec was removed (phase ${f.phase}); ${f.actualCount} user(s) left`);
  else if (f.actualCount === wanted && f.observedGeneration >= f.generation)
    ready = cond('Ready', 'True', 'Reconciled', `${f.actualCount} of ${f.desiredCount} user(s) present${f.conflicts ? ` (${f.conflicts} username(s) held by someone else)` : ''}`);
  else ready = cond('Ready', 'False', 'Progressing', `${f.actualCount} of ${wanted} user(s) present; generation ${f.observedGeneration} of ${f.generation} applied`);

  let synced: Draft;
  if (f.targets.length === 0) synced = cond('Synced', 'True', 'NoSyncTargets', 'the population lists no sync target');
  else if (failedTargets.length)
    synced = cond('Synced', 'False', failedTargets.some((t) => t.state === 'Unreachable') ? 'TargetUnreachable' : 'SyncFailed', failedTargets.map((t) => `${t.target}: ${t.error ?? t.state}`).join('; '));
  else if (pendingTargets.length) synced = cond('Synced', 'False', 'SyncPending', pendingTargets.map((t) => `${t.target}: ${t.held} of ${t.expected} held`).join('; '));
  else synced = cond('Synced', 'True', 'InSync', `${f.targets.map((t) => t.target).join(', ')} hold every member`);

  const expiredCond = !f.lease
    ? cond('Expired', 'False', 'NoLease', 'no ttl or expiresAt: the population never expires')
    : expired
      ? cond('Expired', 'True', 'LeaseExpired', `expired at ${f.lease.expiresAt}`)
      : cond('Expired', 'False', 'LeaseActive', `expires at ${f.lease.expiresAt}`);

  const problems: { reason: string; message: string }[] = [];
  if (f.specInvalid) problems.push({ reason: 'SpecInvalid', message: f.specInvalid });
  if (f.runError) problems.push(f.runError);
  if (failedTargets.length) problems.push({ reason: synced.reason, message: synced.message });
  if (f.conflicts > 0) problems.push({ reason: 'UsernameConflicts', message: `${f.conflicts} username(s) held by someone else are never overwritten` });
  const degraded = problems.length
    ? cond('Degraded', 'True', problems[0]!.reason, problems.map((p) => p.message).join('; '))
    : cond('Degraded', 'False', 'AsExpected', 'nothing is wrong');

  // Conflicts alone are a steady state, not an error worth remembering.
  const errors = problems.filter((p) => p.reason !== 'UsernameConflicts');
  const lastError: LastError | null = errors.length
    ? { reason: errors[0]!.reason, message: errors.map((p) => p.message).join('; '), at: now.toISOString(), ...(f.runId ? { runId: f.runId } : {}) }
    : (previous?.lastError ?? null);

  return {
    name: f.name,
    phase: f.phase,
    desiredCount: f.desiredCount,
    declaredCount: f.declaredCount,
    actualCount: f.actualCount,
    conflicts: f.conflicts,
    generation: f.generation,
    observedGeneration: f.observedGeneration,
    targets: f.targets,
    conditions: mergeConditions(previous?.conditions ?? [], [ready, synced, expiredCond, degraded], now),
    // The same error seen again keeps its first time, so an unchanged status stays unchanged.
    lastError: lastError && previous?.lastError && previous.lastError.message === lastError.message && previous.lastError.reason === lastError.reason ? previous.lastError : lastError,
    lastRunId: f.runId ?? previous?.lastRunId ?? null,
    updatedAt: now.toISOString(),
  };
}

/** lastTransitionTime is kept unless the status flipped (Kubernetes semantics). */
export function mergeConditions(previous: readonly StatusCondition[], next: readonly Draft[], now: Date): StatusCondition[] {
  return next.map((c) => {
    const before = previous.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : now.toISOString() };
  });
}

/** True when two statuses differ in anything but their timestamps (so an unchanged status is not rewritten). */
export function statusChanged(a: PopulationStatus | undefined, b: PopulationStatus): boolean {
  if (!a) return true;
  const strip = (s: PopulationStatus) => ({ ...s, updatedAt: '', lastRunId: null });
  return canonical(strip(a)) !== canonical(strip(b));
}

/** JSON with object keys sorted: jsonb hands keys back in its own order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).filter(([, y]) => y !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}
