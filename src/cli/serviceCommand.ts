import type { Command } from 'commander';
import { DEFAULT_HOST } from '../http/listen.ts';
import type { Logger } from '../log/logger.ts';
import { parsePort } from './parsePort.ts';
import { stopRequested } from './stopRequested.ts';

/** What the long-running service commands (`serve`, `loadtester`) take from the CLI. */
export interface ServiceCommandIO {
  stdout(t: string): void;
  env: NodeJS.ProcessEnv;
  /** Optional (the CLI's own IO carries one): request log; default the CLI log file plus warnings on stderr. */
  logger?: Logger | false;
  /** Optional, for tests: stops the server like SIGTERM does. */
  stopSignal?: AbortSignal;
}

/** `--port` and `--host`, the same for every service. */
export function withListenOptions(command: Command, portHelp: string, hostHelp = 'address to listen on; 0.0.0.0 serves other machines'): Command {
  return command.option('--port <port>', portHelp, parsePort).option('--host <host>', hostHelp, DEFAULT_HOST);
}

export async function serviceLogger(io: ServiceCommandIO, name: string): Promise<Logger | false> {
  if (io.logger !== undefined) return io.logger;
  const { createLogger, defaultLogFile } = await import('../log/logger.ts');
  return createLogger({ stderr: true, name, file: defaultLogFile(io.env), env: io.env });
}

/**
 * Keeps a started service in the foreground until SIGTERM or SIGINT (or `io.stopSignal`),
 * then closes it gracefully (running requests finish) and returns, so the process exits
 * with its normal code.
 */
export async function serveUntilStopped(server: { close(): Promise<void> }, label: string, io: ServiceCommandIO): Promise<void> {
  await stopRequested(io.stopSignal);
  io.stdout(`${label} stopping\n`);
  await server.close();
  io.stdout(`${label} stopped\n`);
}
