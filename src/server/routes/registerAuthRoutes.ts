import type { FastifyInstance } from 'fastify';
import { deleteSession } from '../../db/sessions.ts';
import { findUserProfile } from '../../db/userAccounts.ts';
import { HttpError } from '../../http/HttpError.ts';
import { guard } from '../auth/guards.ts';
import { login } from '../auth/login.ts';
import type { ServerContext } from '../ServerContext.ts';
import { adminSecurity, noQuery, text } from './sharedSchemas.ts';

interface LoginBody {
  username: string;
  password: string;
}

const loginBody = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: {
    username: { ...text, minLength: 1, maxLength: 320 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

/**
 * POST /api/auth/login (public; failed attempts limited per username and per address): a
 * bearer token for any user whose password_hash is ours (scrypt): admins made by
 * `bulk-users admin create`, and the test users the reconciler creates, which is how a
 * load test proves its credentials work. POST /api/auth/logout revokes the presented
 * token. GET /api/user/profile: who the credential belongs to (never a password hash).
 */
export function registerAuthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: LoginBody }>(
    '/api/auth/login',
    { schema: { tags: ['auth'], summary: 'Log in; returns a bearer token', body: loginBody, querystring: noQuery } },
    async (request, reply) => {
      const { username, password } = request.body;
      const outcome = await login(ctx.database.db, username, password, { address: request.ip, sessions: ctx.sessions, protection: ctx.loginProtection, now: ctx.now() });
      if (!outcome.ok && outcome.reason === 'locked') {
        request.log.warn({ username, address: request.ip, scope: outcome.scope }, 'login refused: locked after too many failed attempts');
        void reply.header('retry-after', String(outcome.retryAfterSeconds));
        const what = outcome.scope === 'username' ? 'for this username' : 'from this address';
        throw new HttpError(429, 'rate_limited', `too many failed logins ${what}; try again in ${outcome.retryAfterSeconds} s`);
      }
      if (!outcome.ok) {
        request.log.info({ username, address: request.ip }, 'login failed');
        throw new HttpError(401, 'invalid_credentials', 'unknown username or wrong password');
      }
      return {
        token: outcome.token,
        token_type: 'Bearer',
        expires_at: outcome.expiresAt.toISOString(),
        expires_in: Math.round(outcome.ttlMs / 1000),
        user: { username: outcome.account.username, is_admin: outcome.account.isAdmin, is_test_user: outcome.account.isTestUser },
      };
    },
  );

  app.post(
    '/api/auth/logout',
    { onRequest: guard(ctx, 'user'), schema: { tags: ['auth'], summary: 'Revoke the bearer token sent with this request; 204', security: adminSecurity, querystring: noQuery } },
    async (request, reply) => {
      const p = request.principal!;
      if (p.kind !== 'user') {
        throw new HttpError(400, 'not_a_session', p.kind === 'api-key' ? 'an API key is not logged out; revoke it with bulk-users api-key revoke NAME' : 'authentication is disabled: there is no session to end');
      }
      await deleteSession(ctx.database.db, p.sessionId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/user/profile',
    { onRequest: guard(ctx, 'user'), schema: { tags: ['auth'], summary: 'The user (or API key) behind the credential', security: adminSecurity, querystring: noQuery } },
    async (request) => {
      const p = request.principal!;
      if (p.kind === 'api-key') return { kind: 'api_key', id: p.id, name: p.name, is_admin: true };
      if (p.kind === 'auth-disabled') return { kind: 'anonymous', is_admin: true, auth_disabled: true };
      const profile = await findUserProfile(ctx.database.db, p.userId);
      if (!profile) throw new HttpError(401, 'unauthorized', 'the user of this token no longer exists');
      return { kind: 'user', ...profile };
    },
  );
}
