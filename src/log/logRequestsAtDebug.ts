import type { FastifyInstance } from 'fastify';

/**
 * Fastify's options that replace its own request logging: it logs two lines per request
 * at info, which drowned the operations in the log file of a busy `serve`.
 */
export const QUIET_REQUEST_LOGGING = { disableRequestLogging: true } as const;

/** One debug line per answered request instead (LOG_LEVEL=debug shows them). */
export function logRequestsAtDebug(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.url, statusCode: reply.statusCode, response_time_ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request completed');
  });
}
