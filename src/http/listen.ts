import type { FastifyInstance } from 'fastify';

/** Loopback unless the operator asks for more: a new service is not exposed by default. */
export const DEFAULT_HOST = '127.0.0.1';

export interface Listening {
  url: string;
  port: number;
  /** Stops accepting, drains (bounded), then releases resources. Idempotent. */
  close(): Promise<void>;
}

/** A port from an environment variable, or `fallback` when it is unset; 0 picks a free port. */
export function portFromEnv(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${variable} must be a port number from 0 to 65535 (got "${raw}")`);
  return n;
}

/**
 * Listens, and returns the one shutdown both services use: stop accepting at once, let
 * `drain` finish what is running, cut requests still open `graceMs` after that (a stalled
 * export), then `release` (the database) whatever happened.
 */
export async function listen(
  app: FastifyInstance,
  at: { port: number; host: string },
  shutdown: { graceMs: number; drain?: () => Promise<unknown>; release: () => Promise<void> },
): Promise<Listening> {
  try {
    await app.listen(at);
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : at.port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${at.host.includes(':') ? `[${at.host}]` : at.host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const closed = app.close();
        await shutdown.drain?.();
        const timer = setTimeout(() => app.server.closeAllConnections(), shutdown.graceMs);
        try {
          await closed;
        } finally {
          clearTimeout(timer);
          await shutdown.release();
        }
      })();
      return closing;
    },
  };
}
