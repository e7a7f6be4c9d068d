import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Fastify logs two lines per request at info, which drowned the operations in the log
 * file of a busy `serve`. Here one line per answered request, at debug (LOG_LEVEL=debug
 * shows it); a request that failed inside Fastify keeps its error line.
 */
class DebugRequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { method: request.method, url: request.url, statusCode: reply.statusCode, response_time_ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.debug(fields, 'request completed');
  }
}

/** Fastify options for the services' request logging. */
export function requestLogging(): { logController: LogController } {
  return { logController: new DebugRequestLogController() };
}
