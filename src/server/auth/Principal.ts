/** Who a request comes from, once its credential checked out. */
export type Principal =
  | { kind: 'api-key'; id: string; name: string }
  /** sessionId: the session the bearer token opened (what POST /api/auth/logout revokes). */
  | { kind: 'user'; userId: number; username: string; isAdmin: boolean; isTestUser: boolean; sessionId: string }
  /** DISABLE_AUTH=true, honoured only on a loopback bind with NODE_ENV=development or test: everything is allowed (and announced). */
  | { kind: 'auth-disabled' };

/** For audit records (ReconcileOptions.actor). */
export function actorOf(p: Principal): string {
  if (p.kind === 'api-key') return `api-key:${p.name}`;
  if (p.kind === 'user') return `user:${p.username}`;
  return 'api (auth disabled)';
}
