import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Gauge, Registry } from 'prom-client';
import { credentialStats } from '../loadtester/credentialStats.ts';
import type { LoadTesterDatabase } from '../loadtester/loadTesterSchema.ts';
import { collectProcessMetrics } from './collectProcessMetrics.ts';
import { instrumentHttp } from './instrumentHttp.ts';

const P = 'bulk_users_loadtester';

/**
 * GET /metrics of the Load Tester: counts only (credentials per population, from the same
 * query as /api/users/stats), HTTP durations by route, process defaults. Never a username
 * or a password. Open like /api/health: the Load Tester listens on loopback unless told
 * otherwise, and the counts say no more than the reconciler's own status does.
 * Call before the routes are registered, so the duration hook sees them all.
 */
export function registerLoadTesterMetrics(app: FastifyInstance, db: Kysely<LoadTesterDatabase>): Registry {
  const registry = new Registry();
  collectProcessMetrics(registry);
  instrumentHttp(app, registry, P);
  const on = { registers: [registry] };
  const byPopulation = new Gauge({ name: `${P}_credentials`, help: 'Credentials the Load Tester holds, by population.', labelNames: ['population'] as const, ...on });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const stats = await credentialStats(db);
    byPopulation.reset();
    for (const [population, n] of Object.entries(stats.populations)) byPopulation.set({ population }, n);
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
