import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';

/** Up to 2 minutes (a large create or export); 5 s is a bucket bound, so the p95 alert's threshold is exact. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * `<prefix>_http_request_duration_seconds{method, route, status_code}` for every response.
 * `route` is the pattern the request matched (/api/bulk-users/batches/:id), never the URL
 * as sent, so the label set stays as small as the route table; unmatched requests share
 * one value.
 */
export function instrumentHttp(app: FastifyInstance, registry: Registry, prefix: string): void {
  const histogram = new Histogram({
    name: `${prefix}_http_request_duration_seconds`,
    help: 'Time from request received to response sent, by route pattern, method and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    histogram.observe({ method: request.method, route: reply.statusCode === 404 && !request.routeOptions.url ? 'unmatched' : route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}
