import { requestRunContext } from '../requestRunContext.ts';
import type { FastifyInstance } from 'fastify';
import { cleanupBatch } from '../../reconcile/cleanupBatch.ts';
import { identify, identifyCleanupCandidates } from '../../reconcile/identify.ts';
import { loadDesiredState } from '../../reconcile/loadDesiredState.ts';
import type { ServerContext } from '../ServerContext.ts';
import { adminSecurity, noQuery, text } from './sharedSchemas.ts';

const identifyBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  description: 'No fields; an empty body or {} is fine.',
  properties: {},
} as const;

interface CleanupBody {
  batch_id: string;
  dry_run?: boolean;
  allow_mass_delete?: boolean;
}

const cleanupBody = {
  type: 'object',
  required: ['batch_id'],
  additionalProperties: false,
  properties: {
    batch_id: { ...text, minLength: 1, maxLength: 253, description: 'An API-created batch, or an expired or orphaned population.' },
    dry_run: { type: 'boolean', default: false },
    allow_mass_delete: { type: 'boolean', default: false, description: 'Needed when the deletion is more than maxDeletePercent of all managed users.' },
  },
} as const;

/**
 * Lifecycle routes, thin over reconcile/identify and reconcile/cleanupBatch: identify
 * classifies every row, cleanup-candidates lists what cleanup could remove and why, and
 * cleanup deletes one batch through the same apply path and guards as the CLI.
 */
export function registerLifecycleRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const desiredState = async () => (await loadDesiredState({ db: ctx.database.db, specsDir: ctx.specsDir, env: ctx.env, secretKey: ctx.secretKey })).state;

  app.post(
    '/api/bulk-users/lifecycle/identify',
    { schema: { tags: ['lifecycle'], summary: 'Classify every user: managed, expired, orphaned, unmanaged test, look-alike, production', security: adminSecurity, querystring: noQuery, body: identifyBody } },
    async () => {
      const state = await desiredState();
      const now = ctx.now();
      // The classes need every row (look-alikes and production users are nowhere else); the
      // database aggregates them in one pass and only the groups cross the wire. The
      // candidates come from the same per-population summary as cleanup-candidates, so
      // both endpoints always agree.
      const [report, candidates] = await Promise.all([identify(ctx.database.db, state, now), identifyCleanupCandidates(ctx.database.db, state, now)]);
      return { scan: 'full', totals: report.totals, classes: report.classes, candidates };
    },
  );

  app.get(
    '/api/bulk-users/lifecycle/cleanup-candidates',
    { schema: { tags: ['lifecycle'], summary: 'What cleanup would remove, and why', security: adminSecurity, querystring: noQuery } },
    async () => {
      const candidates = await identifyCleanupCandidates(ctx.database.db, await desiredState(), ctx.now());
      const byReason: Record<string, number> = { expired: 0, orphaned: 0, 'unmanaged-test': 0 };
      for (const c of candidates) byReason[c.reason] = (byReason[c.reason] ?? 0) + c.count;
      return { candidates, counts_by_reason: byReason, total: candidates.reduce((n, c) => n + c.count, 0) };
    },
  );

  app.post<{ Body: CleanupBody }>(
    '/api/bulk-users/lifecycle/cleanup',
    { schema: { tags: ['lifecycle'], summary: 'Delete one batch (API-created, expired or orphaned) from the database and every target', security: adminSecurity, querystring: noQuery, body: cleanupBody } },
    async (request) => {
      const { batch_id: batchId, dry_run: dryRun = false, allow_mass_delete: allowMassDelete = false } = request.body;
      const run = (signal?: AbortSignal) =>
        cleanupBatch(ctx.database, { ...requestRunContext(ctx, request.principal!), batchId, dryRun, allowMassDelete, ...(signal ? { signal } : {}) });
      return dryRun ? run() : ctx.operations.run('cleanup', batchId, run);
    },
  );
}
