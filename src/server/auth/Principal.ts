/** Who a request comes from, once its credential checked out. */
export type Principal =
  | { kind: 'api-key'; id: string; name: string }
  | { kind: 'user'; userId: number; username: string; isAdmin: boolean; isTestUser: boolean }
  /** DISABLE_AUTH=true outside production: everything is allowed (and warned about). */
  | { kind: 'auth-disabled' };

/** For audit records (ReconcileOptions.actor). */
export function actorOf(p: Principal): string {
  if (p.kind === 'api-key') return `api-key:${p.name}`;
  if (p.kind === 'user') return `user:${p.username}`;
  return 'api (auth disabled)';
}
