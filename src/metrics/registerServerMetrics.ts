import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { readPopulationRecords, readTargetRecords } from '../db/batchQueries.ts';
import { lastSuccessfulRunAt } from '../db/lastSuccessfulRunAt.ts';
import { readPopulationStatuses } from '../db/populationStatusQueries.ts';
import { reconcileEvents, type RunEvent, type SyncEvent, type UsersEvent } from '../reconcile/reconcileEvents.ts';
import { guard } from '../server/auth/guards.ts';
import type { ServerContext } from '../server/ServerContext.ts';
import { collectProcessMetrics } from './collectProcessMetrics.ts';
import { instrumentHttp } from './instrumentHttp.ts';

const P = 'bulk_users';
/** Runs take from milliseconds (no changes) to minutes (a million users). */
const RUN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export interface ServerMetricsOptions {
  /** Serve /metrics without a credential (`serve --metrics-public`); otherwise it takes what /api/bulk-users/* takes. */
  public: boolean;
}

/**
 * GET /metrics for `serve` (Prometheus text format) and the HTTP duration hook. Counters
 * come from the core's reconcileEvents as runs happen in this process; population,
 * target, leader and operation gauges are read at scrape time from the same status rows
 * and records the API shows (small tables: one row per population or target, never a
 * user). Labels are population and target names, triggers and outcomes: bounded by the
 * specs, never a username. Call before the routes are registered.
 */
export function registerServerMetrics(app: FastifyInstance, ctx: ServerContext, opts: ServerMetricsOptions): Registry {
  const registry = new Registry();
  collectProcessMetrics(registry);
  instrumentHttp(app, registry, P);
  const on = { registers: [registry] };

  new Gauge({ name: `${P}_build_info`, help: 'Always 1; the version label says which bulk-users is running.', labelNames: ['version'] as const, ...on }).set({ version: ctx.version }, 1);

  const runs = new Counter({ name: `${P}_reconcile_runs_total`, help: 'Applying reconcile runs in this process, by trigger and outcome (applied, partial, no-changes, cancelled, refused, failed).', labelNames: ['trigger', 'outcome'] as const, ...on });
  const runDuration = new Histogram({ name: `${P}_reconcile_duration_seconds`, help: 'Duration of applying reconcile runs, by trigger.', labelNames: ['trigger'] as const, buckets: RUN_BUCKETS, ...on });
  const lastSuccess = new Gauge({ name: `${P}_last_successful_reconcile_timestamp_seconds`, help: 'Unix time the latest successful reconcile ended (this process, or a recorded run of any replica or the CLI); 0 when none has.', ...on });
  const created = new Counter({ name: `${P}_users_created_total`, help: 'Test users created.', ...on });
  const updated = new Counter({ name: `${P}_users_updated_total`, help: 'Test users updated in place.', ...on });
  const deleted = new Counter({ name: `${P}_users_deleted_total`, help: 'Test users deleted (scale-down, removed or expired specs, cleanup).', ...on });
  const createsPlanned = new Counter({ name: `${P}_user_creates_planned_total`, help: 'Users applying runs set out to create, username conflicts included; the creation failure rate is 1 - created/planned.', ...on });
  const conflicts = new Counter({ name: `${P}_user_conflicts_total`, help: 'Usernames skipped by applying runs because someone else holds them (production users, other populations).', ...on });
  const syncSent = new Counter({ name: `${P}_sync_records_sent_total`, help: 'Records a sync target accepted, by target and operation (upsert, delete).', labelNames: ['target', 'operation'] as const, ...on });
  const syncFailed = new Counter({ name: `${P}_sync_records_failed_total`, help: 'Records planned for a target that a failed sync did not deliver.', labelNames: ['target'] as const, ...on });
  const syncRuns = new Counter({ name: `${P}_sync_runs_total`, help: 'Syncs of one target, by outcome (success, failure).', labelNames: ['target', 'outcome'] as const, ...on });
  const syncDuration = new Histogram({ name: `${P}_sync_duration_seconds`, help: 'Duration of one target sync.', labelNames: ['target'] as const, buckets: RUN_BUCKETS, ...on });

  let lastSuccessInProcess = 0;
  const onRun = (e: RunEvent): void => {
    runs.inc({ trigger: e.trigger, outcome: e.outcome });
    runDuration.observe({ trigger: e.trigger }, e.durationSeconds);
    if (e.outcome === 'applied' || e.outcome === 'no-changes') lastSuccessInProcess = Date.now() / 1000;
    if (e.summary && e.outcome !== 'no-changes' && e.outcome !== 'cancelled' && e.outcome !== 'refused') {
      createsPlanned.inc(e.summary.create + e.summary.conflicts);
      conflicts.inc(e.summary.conflicts + e.lateConflicts);
    }
  };
  const onUsers = (e: UsersEvent): void => {
    created.inc(e.created);
    updated.inc(e.updated);
    deleted.inc(e.deleted);
  };
  const onSync = (e: SyncEvent): void => {
    syncSent.inc({ target: e.target, operation: 'upsert' }, e.upserted);
    syncSent.inc({ target: e.target, operation: 'delete' }, e.deleted);
    if (e.failed > 0) syncFailed.inc({ target: e.target }, e.failed);
    syncRuns.inc({ target: e.target, outcome: e.error ? 'failure' : 'success' });
    syncDuration.observe({ target: e.target }, e.durationSeconds);
  };
  reconcileEvents.on('run', onRun);
  reconcileEvents.on('users', onUsers);
  reconcileEvents.on('sync', onSync);
  app.addHook('onClose', async () => {
    reconcileEvents.off('run', onRun);
    reconcileEvents.off('users', onUsers);
    reconcileEvents.off('sync', onSync);
  });

  const byPopulation = ['population'] as const;
  const desired = new Gauge({ name: `${P}_population_desired_users`, help: 'Members a population should have now (0 once its lease expired), as its last status says.', labelNames: byPopulation, ...on });
  const actual = new Gauge({ name: `${P}_population_actual_users`, help: 'Members a population has, as its last status says.', labelNames: byPopulation, ...on });
  const inSync = new Gauge({ name: `${P}_population_in_sync`, help: '1 when the population is Ready and Synced (every member present, every target holds them), else 0.', labelNames: byPopulation, ...on });
  const popConflicts = new Gauge({ name: `${P}_population_conflicts`, help: 'Usernames of the population held by someone else.', labelNames: byPopulation, ...on });
  const leaseExpiry = new Gauge({ name: `${P}_population_lease_expiry_timestamp_seconds`, help: 'Unix time the population lease expires (populations with ttl or expiresAt only).', labelNames: byPopulation, ...on });
  const targetUnreachable = new Gauge({ name: `${P}_target_unreachable`, help: '1 when the latest status of a population syncing to the target found it unreachable.', labelNames: ['target'] as const, ...on });
  const targetLastOk = new Gauge({ name: `${P}_target_last_sync_success`, help: '1 when the latest sync of the target succeeded, 0 when it failed.', labelNames: ['target'] as const, ...on });
  const activeOperations = new Gauge({ name: `${P}_active_operations`, help: 'Writing operations (create, sync, cleanup) running in this process.', ...on });
  // Only a replica with continuous reconciliation takes part in the election: the others export no leader series.
  const leader = ctx.controller ? new Gauge({ name: `${P}_leader`, help: '1 while this replica holds the leadership of continuous reconciliation, else 0.', ...on }) : undefined;

  /** The gauges read at scrape time, from rows the API reads too. */
  const refresh = async (): Promise<void> => {
    const { db } = ctx.database;
    const [statuses, records, targets, lastRecorded] = await Promise.all([readPopulationStatuses(db), readPopulationRecords(db), readTargetRecords(db), lastSuccessfulRunAt(db)]);
    for (const g of [desired, actual, inSync, popConflicts, leaseExpiry, targetUnreachable, targetLastOk]) g.reset();
    const unreachable = new Map<string, number>();
    for (const s of statuses.values()) {
      const labels = { population: s.name };
      if (s.desiredCount !== null) desired.set(labels, s.desiredCount);
      actual.set(labels, s.actualCount);
      popConflicts.set(labels, s.conflicts);
      const isTrue = (type: string) => s.conditions.some((c) => c.type === type && c.status === 'True');
      inSync.set(labels, isTrue('Ready') && isTrue('Synced') ? 1 : 0);
      for (const t of s.targets) unreachable.set(t.target, Math.max(unreachable.get(t.target) ?? 0, t.state === 'Unreachable' ? 1 : 0));
    }
    for (const r of records) if (r.expiresAt) leaseExpiry.set({ population: r.name }, r.expiresAt.getTime() / 1000);
    for (const [target, v] of unreachable) targetUnreachable.set({ target }, v);
    for (const t of targets) if (t.lastRunAt) targetLastOk.set({ target: t.name }, t.lastError ? 0 : 1);
    lastSuccess.set(Math.max(lastSuccessInProcess, (lastRecorded?.getTime() ?? 0) / 1000));
    activeOperations.set(ctx.operations.list().length);
    leader?.set(ctx.controller?.view().leader ? 1 : 0);
  };

  app.get('/metrics', { schema: { hide: true }, ...(opts.public ? {} : { onRequest: guard(ctx, 'admin') }) }, async (_request, reply) => {
    await refresh();
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
