import { sql } from 'kysely';
import { countMembers } from '../db/batchQueries.ts';
import type { SyncResult } from '../apply/applySync.ts';
import type { Db } from '../db/openDatabase.ts';
import type { UserStore } from '../db/userStore/UserStore.ts';
import type { PopulationStatus, TargetSyncStatus } from '../db/PopulationStatus.ts';
import { deleteStaleStatuses, readPopulationStatuses, writePopulationStatus } from '../db/populationStatusQueries.ts';
import type { Logger } from '../log/logger.ts';
import type { Plan, PopulationPlan } from '../plan/Plan.ts';
import { formatProblem, type SpecProblem } from '../spec/SpecProblem.ts';
import { derivePopulationStatus, statusChanged, type PopulationFacts } from './derivePopulationStatus.ts';
import { ConfirmationRequiredError, isRefusal, MassDeleteRefusedError, PasswordUnavailableError } from './errors.ts';

export interface RunStatusInput {
  plan: Plan;
  /** Where the run wrote its users (recounted after a failure). */
  store: UserStore;
  /** Targets synced this run (empty when the run stopped before syncing or had nothing to do). */
  sync: readonly SyncResult[];
  /** Why the run did not complete, if it did not. */
  error?: unknown;
  /** The run was stopped by its signal (shutdown) rather than failing. */
  aborted?: boolean;
  runId?: string;
  /** The spec files do not validate; the plan is of the last valid ones. */
  specProblems?: readonly SpecProblem[];
  now: Date;
  logger: Logger;
}

/**
 * Brings bulk_population_status up to date after a run, under the run's reconcile lock.
 * Costs what the run already knows plus a read of the small record and status tables;
 * member and sync-state counts are queried only for populations a failure left
 * half-done. A status that did not change is not rewritten, so a run that changes
 * nothing writes nothing here either.
 */
export async function recordPopulationStatus(db: Db, input: RunStatusInput): Promise<PopulationStatus[]> {
  const { plan, now } = input;
  const names = plan.populations.map((p) => p.name);
  const wanted = plan.populations.filter((p) => p.desired).map((p) => p.name);
  if (names.length === 0) {
    await deleteStaleStatuses(db, wanted);
    return [];
  }
  const records = new Map(
    (await db.selectFrom('bulk_populations').select(['name', 'generation', 'observed_generation', 'spec_hash', 'phase', 'status']).where('name', 'in', names).execute()).map((r) => [r.name, r]),
  );
  const previous = await readPopulationStatuses(db, names);

  const refused = isRefusal(input.error);
  const runError = input.error === undefined ? undefined : { reason: errorReason(input.error, input.aborted), message: firstLines(input.error) };
  const pending = (p: PopulationPlan): boolean =>
    p.action !== 'noop' || plan.targets.some((t) => t.populations.some((r) => r.population === p.name && r.upsert + r.delete > 0));

  // A failure after writing began leaves counts only the database knows.
  const recount = input.error !== undefined && !refused ? plan.populations.filter(pending).map((p) => p.name) : [];
  const counted: Awaited<ReturnType<typeof countMembers>> = recount.length ? await countMembers(db, input.store, recount) : new Map();

  const actualOf = (p: PopulationPlan): number => {
    if (counted.has(p.name) || recount.includes(p.name)) return counted.get(p.name)?.total ?? 0;
    const observed = p.observed?.total ?? 0;
    if (input.error !== undefined || p.create.count + p.delete.count === 0) return observed;
    // Apply recorded them (finishPopulationRecord: observed plus what it wrote); else the plan's arithmetic.
    const recorded = (records.get(p.name)?.status as { actual?: unknown } | undefined)?.actual;
    return typeof recorded === 'number' ? recorded : Math.max(0, observed + p.create.count - p.delete.count);
  };

  const targetDrafts = new Map<string, TargetSyncStatus[]>();
  const heldQueries: { target: string; population: string }[] = [];
  for (const p of plan.populations) {
    if (!p.desired) continue;
    const drafts: TargetSyncStatus[] = [];
    for (const target of p.desired.spec.syncTargets) {
      const tp = plan.targets.find((t) => t.name === target);
      const row = tp?.populations.find((r) => r.population === p.name);
      const work = (row?.upsert ?? 0) + (row?.delete ?? 0) > 0;
      const result = input.sync.find((s) => s.target === target);
      let state: TargetSyncStatus['state'] = 'InSync';
      let error: string | undefined;
      if (result?.skipped) {
        state = 'Unreachable';
        error = result.skipped;
      } else if (result?.error) {
        state = tp?.unreachable ? 'Unreachable' : 'Failed';
        error = result.error;
      } else if (!result && tp?.unreachable) {
        state = 'Unreachable';
        error = tp.unreachable;
      } else if (!result && work) {
        state = 'Pending';
      }
      drafts.push({ target, state, expected: 0, held: 0, ...(error ? { error } : {}) });
      if (state !== 'InSync') heldQueries.push({ target, population: p.name });
    }
    targetDrafts.set(p.name, drafts);
  }
  const held = heldQueries.length ? await countHeld(db, heldQueries) : new Map<string, number>();

  const specInvalid = input.specProblems?.length
    ? `the spec files do not validate (${input.specProblems.length} error(s), first: ${formatProblem(input.specProblems[0]!)}); the last valid specs stay in force`
    : undefined;

  const out: PopulationStatus[] = [];
  for (const p of plan.populations) {
    const record = records.get(p.name);
    if (!record && !p.desired) continue; // deleted for good: deleteStaleStatuses drops its status
    const actual = actualOf(p);
    const generation = record ? (p.desired && record.spec_hash !== p.desired.specHash ? record.generation + 1 : record.generation) : 1;
    const facts: PopulationFacts = {
      name: p.name,
      phase: record?.phase ?? 'Pending',
      desiredCount: p.desired ? p.desired.spec.count : null,
      declaredCount: p.desired ? (p.desired.declared ?? p.desired.spec).count : null,
      actualCount: actual,
      conflicts: p.conflicts.count,
      generation,
      observedGeneration: record?.observed_generation ?? 0,
      ...(p.desired?.lease ? { lease: { expiresAt: p.desired.lease.expiresAt, expired: p.desired.expired === true } } : {}),
      targets: (targetDrafts.get(p.name) ?? []).map((t) => ({ ...t, expected: actual, held: t.state === 'InSync' ? actual : (held.get(`${t.target}\u0000${p.name}`) ?? 0) })),
      ...(runError && pending(p) ? { runError } : {}),
      ...(specInvalid && p.desired ? { specInvalid } : {}),
      ...(input.runId ? { runId: input.runId } : {}),
    };
    const before = previous.get(p.name);
    const status = derivePopulationStatus(facts, before, now);
    out.push(status);
    if (!statusChanged(before, status)) continue;
    await writePopulationStatus(db, status);
    logStatus(input.logger, status, before);
  }
  await deleteStaleStatuses(db, wanted);
  return out;
}

function errorReason(err: unknown, aborted?: boolean): string {
  if (aborted) return 'Interrupted';
  if (err instanceof MassDeleteRefusedError) return 'MassDeleteRefused';
  if (err instanceof PasswordUnavailableError) return 'PasswordUnavailable';
  if (err instanceof ConfirmationRequiredError) return 'ConfirmationRequired';
  return 'ApplyFailed';
}

function firstLines(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.length > 500 ? `${m.slice(0, 497)}...` : m;
}

async function countHeld(db: Db, pairs: readonly { target: string; population: string }[]): Promise<Map<string, number>> {
  const { rows } = await sql<{ target: string; population: string; n: number }>`
    SELECT target, population, count AS n FROM bulk_sync_summary
    WHERE target = ANY(${[...new Set(pairs.map((p) => p.target))]}::text[]) AND population = ANY(${[...new Set(pairs.map((p) => p.population))]}::text[])
      AND count > 0`.execute(db);
  return new Map(rows.map((r) => [`${r.target}\u0000${r.population}`, Number(r.n)]));
}

/** One line per status change, at warn when the population is degraded. */
function logStatus(logger: Logger, s: PopulationStatus, before: PopulationStatus | undefined): void {
  const c = Object.fromEntries(s.conditions.map((x) => [x.type, x.status]));
  const degraded = s.conditions.find((x) => x.type === 'Degraded');
  const flipped = s.conditions.filter((x) => before?.conditions.find((b) => b.type === x.type)?.status !== x.status).map((x) => `${x.type}=${x.status}`);
  const fields = {
    population: s.name,
    phase: s.phase,
    desired: s.desiredCount,
    actual: s.actualCount,
    generation: s.generation,
    observed_generation: s.observedGeneration,
    conditions: c,
    changed: flipped,
    ...(degraded?.status === 'True' ? { degraded: { reason: degraded.reason, message: degraded.message } } : {}),
  };
  if (degraded?.status === 'True') logger.warn(fields, 'population status');
  else logger.info(fields, 'population status');
}
