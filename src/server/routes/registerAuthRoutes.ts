import type { FastifyInstance } from 'fastify';
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
 * POST /api/auth/login (public, rate limited): a bearer token for any user whose
 * password_hash is ours (scrypt): admins made by `bulk-users admin create`, and the test
 * users the reconciler creates, which is how a load test proves its credentials work.
 * GET /api/user/profile: who the credential belongs to (never a password hash).
 */
export function registerAuthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: LoginBody }>(
    '/api/auth/login',
    {
      schema: { tags: ['auth'], summary: 'Log in; returns a bearer token', body: loginBody, querystring: noQuery },
      config: { rateLimit: { max: ctx.loginRateLimit.max, timeWindow: ctx.loginRateLimit.timeWindowMs } },
    },
    async (request) => {
      const { username, password } = request.body;
      const ok = await login(ctx.database.db, username, password, { ttlMs: ctx.sessionTtlMs, now: ctx.now() });
      if (!ok) {
        request.log.info({ username }, 'login failed');
        throw new HttpError(401, 'invalid_credentials', 'unknown username or wrong password');
      }
      return {
        token: ok.token,
        token_type: 'Bearer',
        expires_at: ok.expiresAt.toISOString(),
        expires_in: Math.round(ctx.sessionTtlMs / 1000),
        user: { username: ok.account.username, is_admin: ok.account.isAdmin, is_test_user: ok.account.isTestUser },
      };
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
