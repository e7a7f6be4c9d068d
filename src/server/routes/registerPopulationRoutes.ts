import { requestRunContext } from '../requestRunContext.ts';
import type { FastifyInstance } from 'fastify';
import { countSyncedMembers } from '../../db/batchQueries.ts';
import { HttpError } from '../../http/HttpError.ts';
import { createApiPopulation } from '../../reconcile/createApiPopulation.ts';
import { createBodySchema, createRequestToSpec, type CreateBody } from '../createRequestToSpec.ts';
import { describeBatches } from '../describeBatches.ts';
import type { ServerContext } from '../ServerContext.ts';
import { adminSecurity, batchIdParams, noQuery } from './sharedSchemas.ts';

/**
 * POST /api/bulk-users/create: a population whose spec lives in the database (source
 * api), applied at once like `reconcile --yes`. GET /api/bulk-users/batches[/{id}]: every
 * population, desired next to actual.
 */
export function registerPopulationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: CreateBody }>(
    '/api/bulk-users/create',
    {
      schema: {
        tags: ['bulk-users'],
        summary: 'Create a batch of test users (a population kept in the database) and apply it',
        description:
          'Validated by the same rules as spec files (400 with located messages); a name or username space that clashes with another population is a 409. ' +
          'The whole desired state is then reconciled, like `bulk-users reconcile --yes`. ' +
          'Fields the request and its template leave out come from the default template: username pattern `<batch_id>_{id}@loadtest.invalid`, ttl 7d, and a generated password, returned once as `generated_password`.',
        security: adminSecurity,
        body: createBodySchema,
        querystring: noQuery,
      },
    },
    async (request, reply) => {
      const req = createRequestToSpec(request.body);
      const r = await ctx.operations.run('create', req.name ?? '(generated name)', (signal) =>
        createApiPopulation(ctx.database, { ...requestRunContext(ctx, request.principal!), request: req, signal }),
      );
      return reply.code(201).send({
        batch_id: r.batchId,
        ...(r.generatedPassword !== undefined ? { generated_password: r.generatedPassword } : {}),
        created: r.created,
        failed: r.failed,
        conflicts: r.conflicts,
        conflict_sample: r.conflictSample.map((c) => ({ username: c.username, held_by: c.heldBy, ...(c.holderPopulation ? { holder_batch_id: c.holderPopulation } : {}) })),
        outcome: r.outcome,
        sync: r.sync,
        execution_time: r.executionTime,
      });
    },
  );

  app.get('/api/bulk-users/batches', { schema: { tags: ['bulk-users'], summary: 'Every batch: desired and actual counts, phase', security: adminSecurity, querystring: noQuery } }, async () => {
    const { batches, spec_errors } = await describeBatches(ctx);
    return { batches: batches.map(({ spec: _spec, ...view }) => view), total: batches.length, ...(spec_errors ? { spec_errors } : {}) };
  });

  app.get<{ Params: { id: string } }>(
    '/api/bulk-users/batches/:id',
    { schema: { tags: ['bulk-users'], summary: 'One batch, with its spec (never a password) and what each sync target holds', security: adminSecurity, params: batchIdParams, querystring: noQuery } },
    async (request) => {
      const { batches, spec_errors } = await describeBatches(ctx, request.params.id);
      const batch = batches[0];
      if (!batch) throw new HttpError(404, 'not_found', `no batch "${request.params.id}"`);
      return { ...batch, sync: await countSyncedMembers(ctx.database.db, batch.batch_id), ...(spec_errors ? { spec_errors } : {}) };
    },
  );
}
