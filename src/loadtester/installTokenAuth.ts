import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ErrorBody } from '../http/HttpError.ts';
import { installLoopbackHostCheck } from '../http/installLoopbackHostCheck.ts';
import { READ_TOKEN_ENV, TOKEN_FILE_NAME, WRITE_TOKEN_ENV, type LoadTesterTokens } from './loadTesterTokens.ts';

/**
 * Routes anyone may call: the original operator guide checks health and stats without
 * credentials, Prometheus scrapes /metrics, and all three reveal nothing but liveness and
 * record counts.
 */
const OPEN_ROUTES = new Set(['GET /api/health', 'GET /api/users/stats', 'GET /metrics']);

type Access = 'open' | 'read' | 'write';

/**
 * Default-deny: a route is open only when listed above; any other GET (HEAD) needs the
 * read or write token, anything else the write token. A route added later is therefore
 * protected even if nobody thinks of it.
 */
function accessOf(request: FastifyRequest): Access {
  const route = request.routeOptions.url;
  if (route === undefined) return 'open'; // no such route: the 404 says so, nothing to protect
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  if (OPEN_ROUTES.has(`${method} ${route}`)) return 'open';
  return method === 'GET' ? 'read' : 'write';
}

/** The presented token: `Authorization: Bearer <token>`, else `X-API-Key: <token>`. */
function presentedToken(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m?.[1] ?? '';
  }
  const key = request.headers['x-api-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Compares through fixed-length digests, so neither the content nor the length of a token leaks through timing. */
function matches(presented: Buffer, expected: Buffer | undefined): boolean {
  return expected !== undefined && timingSafeEqual(presented, expected);
}

const HOW_TO_AUTHENTICATE =
  `send "Authorization: Bearer <token>" (or "X-API-Key: <token>") with the Load Tester's token: ` +
  `${WRITE_TOKEN_ENV} of the Load Tester, or the content of the file ${TOKEN_FILE_NAME} in its data directory; ` +
  `exports and digests also accept ${READ_TOKEN_ENV}`;

/**
 * Hooks run before the body is read, so an unauthenticated request costs nothing:
 * 1. with `loopbackOnly`, a Host header that is not a loopback name is refused (403):
 *    DNS rebinding would otherwise let a web page in a local browser read the export;
 * 2. every route but health and stats needs a token (401 without a valid one, 403 for the
 *    read-only token on a write).
 */
export function installTokenAuth(app: FastifyInstance, tokens: LoadTesterTokens, opts: { loopbackOnly: boolean }): void {
  const write = digest(tokens.write);
  const read = tokens.read !== undefined ? digest(tokens.read) : undefined;

  if (opts.loopbackOnly) installLoopbackHostCheck(app, 'to serve other machines, start the Load Tester with --host and LOADTESTER_TOKEN set');
  app.addHook('onRequest', async (request, reply) => {
    const access = accessOf(request);
    if (access === 'open') return;
    const token = presentedToken(request);
    if (token === undefined || token === '') {
      return reply.code(401).header('www-authenticate', 'Bearer realm="bulk-users-loadtester"').send({ error: 'unauthorized', message: `this route needs a token: ${HOW_TO_AUTHENTICATE}` } satisfies ErrorBody);
    }
    const presented = digest(token);
    const isWrite = matches(presented, write);
    const isRead = matches(presented, read);
    if (!isWrite && !isRead) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="bulk-users-loadtester", error="invalid_token"')
        .send({ error: 'unauthorized', message: `the token is not valid for this Load Tester: ${HOW_TO_AUTHENTICATE}` } satisfies ErrorBody);
    }
    if (access === 'write' && !isWrite) {
      return reply.code(403).send({ error: 'forbidden', message: `the token is read-only (${READ_TOKEN_ENV}); changing records needs the write token (${WRITE_TOKEN_ENV})` } satisfies ErrorBody);
    }
  });
}
