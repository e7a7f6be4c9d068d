import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { HttpError } from '../../http/HttpError.ts';
import type { ServerContext } from '../ServerContext.ts';
import { authenticate } from './authenticate.ts';
import type { Principal } from './Principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the guard of a protected route. */
    principal?: Principal;
  }
}

const CHALLENGE = 'Bearer realm="bulk-users", ApiKey header="X-API-Key"';

/**
 * onRequest hooks, so a request without a valid credential is refused before its body is
 * even parsed. `admin`: an API key or an admin user (/api/bulk-users/*); `user`: anyone
 * logged in or holding a key (/api/user/profile).
 */
export function guard(ctx: ServerContext, level: 'admin' | 'user'): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (ctx.authDisabled) {
      request.log.warn({ url: request.url }, 'DISABLE_AUTH=true: serving a request without authentication (never do this in production)');
      request.principal = { kind: 'auth-disabled' };
      return;
    }
    const outcome = await authenticate(ctx.database.db, request.headers, ctx.now());
    if (!outcome) {
      void reply.header('www-authenticate', CHALLENGE);
      throw new HttpError(401, 'unauthorized', 'authentication required: send X-API-Key: <key> (bulk-users api-key create) or Authorization: Bearer <token from POST /api/auth/login>');
    }
    if (!outcome.ok) {
      void reply.header('www-authenticate', CHALLENGE);
      throw new HttpError(401, 'unauthorized', outcome.message);
    }
    const p = outcome.principal;
    if (level === 'admin' && p.kind === 'user' && !p.isAdmin) {
      throw new HttpError(403, 'forbidden', `user "${p.username}" is not an administrator; /api/bulk-users/* needs an admin user or an API key`);
    }
    request.principal = p;
  };
}
