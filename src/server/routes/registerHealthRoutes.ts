import type { FastifyInstance } from 'fastify';
import { computeHealth } from '../../http/computeHealth.ts';
import type { ServerContext } from '../ServerContext.ts';
import { noQuery } from './sharedSchemas.ts';

/** GET /api/health: public; 200 when the database answers, 503 when it does not; `auth` says whether DISABLE_AUTH is in force. */
export function registerHealthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/health', { schema: { tags: ['service'], summary: 'Database reachable, version', querystring: noQuery } }, async (_request, reply) => {
    const health = await computeHealth(ctx.database.db, ctx.version);
    return reply.code(health.database === 'ok' ? 200 : 503).send({ ...health, auth: ctx.authDisabled ? 'disabled' : 'enabled' });
  });
}
