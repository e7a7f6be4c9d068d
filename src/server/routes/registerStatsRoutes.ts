import type { FastifyInstance } from 'fastify';
import { countSyncState, countUsers, lastRun, readTargetRecords } from '../../db/batchQueries.ts';
import { recordedUserStore } from '../../db/userStore/userStoreFor.ts';
import { describeBatches } from '../describeBatches.ts';
import type { ServerContext } from '../ServerContext.ts';
import { adminSecurity, noQuery } from './sharedSchemas.ts';
import { shareInFlight } from '../../shareInFlight.ts';

/** GET /api/bulk-users/stats: totals, test vs production, per batch, per target, active operations. */
export function registerStatsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // Requests that arrive while one is being answered share its answer (dashboards and the
  // operators' polling loops ask at once).
  const stats = shareInFlight(computeStats);
  app.get('/api/bulk-users/stats', { schema: { tags: ['bulk-users'], summary: 'Totals, test vs production users, per batch and target, active operations', security: adminSecurity, querystring: noQuery } }, () => stats(ctx));
}

async function computeStats(ctx: ServerContext): Promise<Record<string, unknown>> {
  const { db } = ctx.database;
  const [totals, batches, targets, held, run] = await Promise.all([countUsers(db, await recordedUserStore(db)), describeBatches(ctx), readTargetRecords(db), countSyncState(db), lastRun(db)]);
  const operations = ctx.operations.list();
  return {
    total_users: totals.total,
    test_users: totals.testUsers,
    production_users: totals.productionUsers,
    managed_test_users: totals.managedTestUsers,
    admin_users: totals.admins,
    // On a large table these three are estimates; test_users, managed_test_users and the batches stay exact.
    ...(totals.approximate ? { estimated: ['total_users', 'production_users', 'admin_users'] } : {}),
    batches: batches.batches.map((b) => ({ batch_id: b.batch_id, source: b.source, phase: b.phase, desired_count: b.desired_count, actual_count: b.actual_count, in_sync: b.in_sync })),
    targets: targets.map((t) => ({
      name: t.name,
      type: t.type,
      held: held.filter((h) => h.target === t.name).reduce((n, h) => n + h.held, 0),
      last_run_at: t.lastRunAt?.toISOString() ?? null,
      last_error: t.lastError,
    })),
    active_operations: operations.length,
    operations: operations.map((o) => ({ kind: o.kind, detail: o.detail, started_at: o.startedAt.toISOString() })),
    last_run: run ? { id: run.id, trigger: run.trigger, outcome: run.outcome, started_at: run.startedAt.toISOString(), finished_at: run.finishedAt?.toISOString() ?? null, error: run.error } : null,
    ...(batches.spec_errors ? { spec_errors: batches.spec_errors } : {}),
  };
}
