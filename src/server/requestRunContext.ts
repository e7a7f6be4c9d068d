import { actorOf, type Principal } from './auth/Principal.ts';
import type { ServerContext } from './ServerContext.ts';

/**
 * What every run an HTTP request starts (create, sync, cleanup, apply; from the API or the
 * admin page) takes from the server: its environment, log, clock, lock wait, file target
 * directory and drivers, the spec files and the secret key, and the actor from the
 * request's principal. One place, so the API and the admin page run the core alike.
 */
export function requestRunContext(ctx: ServerContext, principal: Principal) {
  return {
    specsDir: ctx.specsDir,
    secretKey: ctx.secretKey,
    env: ctx.env,
    logger: ctx.logger,
    actor: actorOf(principal),
    lockTimeoutMs: ctx.lockTimeoutMs,
    now: ctx.now(),
    ...(ctx.baseDir !== undefined ? { baseDir: ctx.baseDir } : {}),
    ...(ctx.drivers ? { drivers: ctx.drivers } : {}),
  };
}
