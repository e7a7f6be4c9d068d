import type { IncomingHttpHeaders } from 'node:http';
import { findApiKey, touchApiKey } from '../../db/apiKeys.ts';
import type { Db } from '../../db/openDatabase.ts';
import { findSession } from '../../db/sessions.ts';
import { parseCredential, secretMatches } from './credentialToken.ts';
import type { Principal } from './Principal.ts';

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; message: string };

/** Compared against when the id is unknown, so a miss costs what a hit costs. */
const DUMMY_HASH = '0'.repeat(64);

/**
 * The request's credential, checked: `X-API-Key: buk_…` or `Authorization: Bearer bus_…`
 * (from POST /api/auth/login). Undefined when the request carries none.
 */
export async function authenticate(db: Db, headers: IncomingHttpHeaders, now: Date): Promise<AuthOutcome | undefined> {
  const apiKey = headers['x-api-key'];
  if (apiKey !== undefined) {
    if (typeof apiKey !== 'string') return { ok: false, message: 'send one X-API-Key header' };
    const parsed = parseCredential(apiKey.trim(), 'buk');
    const record = parsed ? await findApiKey(db, parsed.id) : undefined;
    if (!parsed || !secretMatches(parsed.secret, record?.secretHash ?? DUMMY_HASH) || !record) return { ok: false, message: 'invalid API key' };
    if (record.revokedAt) return { ok: false, message: `API key "${record.name}" was revoked` };
    await touchApiKey(db, record.id).catch(() => {});
    return { ok: true, principal: { kind: 'api-key', id: record.id, name: record.name } };
  }
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) return { ok: false, message: 'the Authorization header must be "Bearer <token>" with a token from POST /api/auth/login' };
    return authenticateSessionToken(db, m[1]!, now);
  }
  return undefined;
}

/**
 * A session token (`bus_…`, from login or createSession) checked against its session and
 * its user as they are now: unknown, expired, logged out, revoked, user gone, or password
 * changed since the login all fail. Exported for credentials carried otherwise (a cookie).
 */
export async function authenticateSessionToken(db: Db, token: string, now: Date): Promise<AuthOutcome> {
  const parsed = parseCredential(token, 'bus');
  const session = parsed ? await findSession(db, parsed.id) : undefined;
  if (!parsed || !secretMatches(parsed.secret, session?.secretHash ?? DUMMY_HASH) || !session) return { ok: false, message: 'invalid bearer token (unknown, logged out or revoked); log in again (POST /api/auth/login)' };
  if (session.expiresAt.getTime() <= now.getTime()) return { ok: false, message: 'the bearer token has expired; log in again (POST /api/auth/login)' };
  if (session.username === null) return { ok: false, message: 'the user of this token no longer exists' };
  if (!session.passwordCurrent) return { ok: false, message: "the user's password has changed since this token was issued; log in again (POST /api/auth/login)" };
  return {
    ok: true,
    principal: { kind: 'user', userId: session.userId, username: session.username, isAdmin: session.isAdmin, isTestUser: session.isTestUser, sessionId: session.id },
  };
}
