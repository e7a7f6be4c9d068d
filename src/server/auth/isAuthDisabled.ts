/** DISABLE_AUTH=true is honoured only outside production (NODE_ENV !== 'production'). */
export function isAuthDisabled(env: NodeJS.ProcessEnv): boolean {
  return env.DISABLE_AUTH === 'true' && env.NODE_ENV !== 'production';
}

/** DISABLE_AUTH was asked for in production, where it is ignored. */
export function isAuthDisableIgnored(env: NodeJS.ProcessEnv): boolean {
  return env.DISABLE_AUTH === 'true' && env.NODE_ENV === 'production';
}
