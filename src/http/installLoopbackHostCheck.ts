import type { FastifyInstance } from 'fastify';
import type { ErrorBody } from './HttpError.ts';
import { isLoopbackHostHeader } from './loopback.ts';

/**
 * For a service listening on loopback: answer only requests addressed to a loopback name
 * (localhost, 127.0.0.1, [::1], any port). A web page whose DNS name was rebound to
 * 127.0.0.1 still sends its own name in Host, so a browser on this machine cannot be
 * turned against the service. Runs before any other hook, authentication included.
 */
export function installLoopbackHostCheck(app: FastifyInstance, advice: string): void {
  app.addHook('onRequest', async (request, reply) => {
    if (isLoopbackHostHeader(request.headers.host)) return;
    return reply.code(403).send({
      error: 'host_not_allowed',
      message: `this service listens on loopback and answers only requests addressed to localhost, 127.0.0.1 or [::1] (Host was ${JSON.stringify(request.headers.host ?? '')}); ${advice}`,
    } satisfies ErrorBody);
  });
}
