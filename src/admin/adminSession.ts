import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../server/auth/authenticate.ts';
import type { Principal } from '../server/auth/Principal.ts';
import type { ServerContext } from '../server/ServerContext.ts';
import { BASE } from './layout.ts';

/** The page's session cookie: a bearer token from login(), the same session the API's tokens are. */
export const SESSION_COOKIE = 'bu_admin_session';

/** `header`: an API key or bearer token sent by a script, which a cross-site form cannot forge; `cookie` and `disabled` need the CSRF token on forms. */
export type PageAccess = { ok: true; principal: Principal; via: 'cookie' | 'header' | 'disabled' } | { ok: false; status: 401 | 403; message: string };

/**
 * Who is asking for a page: DISABLE_AUTH as in the API; else the session cookie, else the
 * API's own credentials (X-API-Key, Authorization: Bearer), checked by the API's
 * authenticate(). Only administrators and API keys get pages; a test user gets 403.
 */
export async function pageAccess(ctx: ServerContext, request: FastifyRequest): Promise<PageAccess> {
  if (ctx.authDisabled) return { ok: true, principal: { kind: 'auth-disabled' }, via: 'disabled' };
  const token = request.cookies[SESSION_COOKIE];
  const headers = token ? { authorization: `Bearer ${token}` } : request.headers;
  const outcome = await authenticate(ctx.database.db, headers, ctx.now());
  if (!outcome) return { ok: false, status: 401, message: 'log in first' };
  if (!outcome.ok) return { ok: false, status: 401, message: token ? 'your session has ended; log in again' : outcome.message };
  const p = outcome.principal;
  if (p.kind === 'user' && !p.isAdmin) return { ok: false, status: 403, message: `user "${p.username}" is not an administrator; the admin page is for administrators only` };
  return { ok: true, principal: p, via: token ? 'cookie' : 'header' };
}

/** HttpOnly, SameSite=Strict, limited to the admin pages; Secure over HTTPS or when BULK_USERS_SECURE_COOKIES=true (TLS ends at a proxy). */
export function cookieOptions(ctx: ServerContext, request: FastifyRequest, maxAgeSeconds?: number) {
  return {
    path: BASE,
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: request.protocol === 'https' || secureCookiesForced(ctx.env),
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

export function secureCookiesForced(env: NodeJS.ProcessEnv): boolean {
  return env.BULK_USERS_SECURE_COOKIES === 'true';
}

export function setSessionCookie(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply, token: string, ttlMs: number): void {
  void reply.setCookie(SESSION_COOKIE, token, cookieOptions(ctx, request, Math.round(ttlMs / 1000)));
}

export function clearSessionCookie(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(ctx, request));
}

export function describePrincipal(p: Principal): string {
  if (p.kind === 'user') return p.username;
  if (p.kind === 'api-key') return `API key ${p.name}`;
  return 'authentication disabled (DISABLE_AUTH)';
}
