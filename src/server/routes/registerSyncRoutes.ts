import { requestRunContext } from '../requestRunContext.ts';
import type { FastifyInstance } from 'fastify';
import { countMembers, countSyncState, readPopulationRecords, readTargetRecords } from '../../db/batchQueries.ts';
import { recordedUserStore } from '../../db/userStore/userStoreFor.ts';
import { HttpError } from '../../http/HttpError.ts';
import { loadDesiredState } from '../../reconcile/loadDesiredState.ts';
import { syncOneTarget } from '../../reconcile/syncOneTarget.ts';
import type { DesiredState } from '../../spec/DesiredState.ts';
import { SpecValidationError, type SpecProblem } from '../../spec/SpecProblem.ts';
import type { ServerContext } from '../ServerContext.ts';
import { adminSecurity, noQuery, text } from './sharedSchemas.ts';

interface SyncBody {
  target: string;
  filter_criteria?: { batch_id?: string; test_users_only?: boolean; modified_since?: string };
}

const syncBody = {
  type: 'object',
  required: ['target'],
  additionalProperties: false,
  properties: {
    target: { ...text, minLength: 1, description: 'Name of a SyncTarget spec.' },
    filter_criteria: {
      type: 'object',
      additionalProperties: false,
      description:
        'Narrows what the answer reports, never what is synced: a partial sync would leave the target out of step with the database, ' +
        'and the next reconcile would undo it. batch_id: report that batch only (404 when unknown). test_users_only: sync only ever sends ' +
        'test users; false is refused. modified_since (RFC 3339): count only records the target received since then.',
      properties: { batch_id: { ...text, minLength: 1 }, test_users_only: { type: 'boolean' }, modified_since: { ...text, minLength: 1 } },
    },
  },
} as const;

/**
 * POST /api/bulk-users/sync: bring one target in step (a reconcile whose sync step is
 * limited to it). GET /api/bulk-users/sync/status: per target, in sync or drifted.
 */
export function registerSyncRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: SyncBody }>(
    '/api/bulk-users/sync',
    { schema: { tags: ['sync'], summary: 'Sync one target now', description: syncBody.properties.filter_criteria.description, security: adminSecurity, body: syncBody, querystring: noQuery } },
    async (request) => {
      const { target, filter_criteria: filter = {} } = request.body;
      if (filter.test_users_only === false) throw new HttpError(400, 'invalid_request', 'filter_criteria.test_users_only cannot be false: sync only ever sends test users');
      let since: Date | undefined;
      if (filter.modified_since !== undefined) {
        since = new Date(filter.modified_since);
        if (!/^\d{4}-\d{2}-\d{2}T/.test(filter.modified_since) || Number.isNaN(since.getTime())) {
          throw new HttpError(400, 'invalid_request', `filter_criteria.modified_since must be an RFC 3339 date-time such as 2026-12-31T00:00:00Z (got "${filter.modified_since}")`);
        }
      }
      if (filter.batch_id !== undefined) {
        // Declared now (spec file or API), or only recorded (an orphan): either exists. The
        // specs are read once, for both questions.
        const batch = (await desiredOrProblems(ctx)).state?.populations.find((p) => p.name === filter.batch_id);
        if (!batch && (await readPopulationRecords(ctx.database.db, filter.batch_id)).length === 0) throw new HttpError(404, 'not_found', `no batch "${filter.batch_id}"`);
        // Asking to sync a batch to a target it does not list would report 0 records as if in
        // step; a target's membership is part of the batch's spec, so say so instead.
        if (batch && !batch.syncTargets.includes(target)) {
          throw new HttpError(
            409,
            'not_a_target_of_batch',
            `batch "${batch.name}" does not sync to "${target}" (its sync targets: ${batch.syncTargets.length ? batch.syncTargets.join(', ') : 'none'}); ` +
              `list the target in the batch's spec (a create request's config.sync_targets, or syncTargets in its spec file)`,
          );
        }
      }
      const r = await ctx.operations.run('sync', target, (signal) =>
        syncOneTarget(ctx.database, { ...requestRunContext(ctx, request.principal!), target, signal }),
      );
      const held = (await countSyncState(ctx.database.db, since ? { modifiedSince: since } : {})).filter(
        (h) => h.target === target && (filter.batch_id === undefined || h.population === filter.batch_id),
      );
      return {
        target,
        outcome: r.outcome,
        in_sync: !r.synced?.error && !r.synced?.skipped && !r.planned?.unreachable,
        upserted: r.synced?.upserted ?? 0,
        deleted: r.synced?.deleted ?? 0,
        ...(r.synced?.error ? { error: r.synced.error } : r.synced?.skipped ? { error: r.synced.skipped } : r.planned?.unreachable ? { error: r.planned.unreachable } : {}),
        planned: { upsert: r.planned?.upsert ?? 0, delete: r.planned?.delete ?? 0, drift: r.planned?.drift ?? 0 },
        report: { filter_criteria: filter, batches: held.map((h) => ({ batch_id: h.population, records: h.held })), records: held.reduce((n, h) => n + h.held, 0) },
        execution_time: r.executionTime,
      };
    },
  );

  app.get('/api/bulk-users/sync/status', { schema: { tags: ['sync'], summary: 'Per target: in sync or drifted, counts, last run, last error', security: adminSecurity, querystring: noQuery } }, async () => {
    const { db } = ctx.database;
    const desired = await desiredOrProblems(ctx);
    const [records, held, members] = await Promise.all([readTargetRecords(db), countSyncState(db), countMembers(db, await recordedUserStore(db))]);
    const names = new Set([...(desired.state?.targets.map((t) => t.name) ?? []), ...records.map((r) => r.name)]);
    const targets = [...names].sort().map((name) => {
      const spec = desired.state?.targets.find((t) => t.name === name);
      const rec = records.find((r) => r.name === name);
      const populations = desired.state?.populations.filter((p) => p.syncTargets.includes(name)).map((p) => p.name) ?? [];
      const expected = populations.reduce((n, p) => n + (members.get(p)?.total ?? 0), 0);
      const holds = held.filter((h) => h.target === name).reduce((n, h) => n + h.held, 0);
      const inSync = Boolean(spec) && !rec?.lastError && rec?.status.inSync !== false && holds === expected;
      return {
        name,
        type: spec?.type ?? rec?.type ?? 'unknown',
        defined: Boolean(spec),
        in_sync: inSync,
        state: !spec ? 'removed' : inSync ? 'in_sync' : 'drifted',
        expected,
        held: holds,
        pending: Math.max(0, expected - holds),
        batches: populations,
        last_run_at: rec?.lastRunAt?.toISOString() ?? null,
        last_success_at: rec?.lastSuccessAt?.toISOString() ?? null,
        last_error: rec?.lastError ?? null,
      };
    });
    return { targets, ...(desired.problems ? { spec_errors: desired.problems } : {}) };
  });
}

async function desiredOrProblems(ctx: ServerContext): Promise<{ state?: DesiredState; problems?: SpecProblem[] }> {
  try {
    return { state: (await loadDesiredState({ db: ctx.database.db, specsDir: ctx.specsDir, env: ctx.env, secretKey: ctx.secretKey })).state };
  } catch (err) {
    if (err instanceof SpecValidationError) return { problems: err.problems.filter((p) => p.severity === 'error') };
    throw err;
  }
}
