import path from 'node:path';
import type { Command } from 'commander';
import { createLogger, type Logger } from '../log/logger.ts';
import { DEFAULT_HOST, startServer } from '../server/startServer.ts';
import { parsePort } from './parsePort.ts';
import { stopRequested } from './stopRequested.ts';

export interface ServeCommandIO {
  stdout(t: string): void;
  env: NodeJS.ProcessEnv;
  logger?: Logger | false;
  /** Optional, for tests: stops the server like SIGTERM does. */
  stopSignal?: AbortSignal;
}

/**
 * `bulk-users serve [--port N] [--host H] [--specs DIR]`: the HTTP API (DESIGN §8) in the
 * foreground. SIGTERM or SIGINT stops it gracefully: no new requests, running operations
 * finish (or, past the grace period, stop at a batch boundary), then the command returns
 * and the process exits 0.
 */
export function registerServeCommand(program: Command, io: ServeCommandIO): void {
  program
    .command('serve')
    .description('serve the HTTP API (OpenAPI and UI at /docs)')
    .option('--port <port>', 'port to listen on (default BULK_USERS_PORT, else 5000)', parsePort)
    .option('--host <host>', 'address to listen on; 0.0.0.0 serves other machines', DEFAULT_HOST)
    .option('--specs <dir>', 'spec directory or file', 'specs')
    .action(async (flags: { port?: number; host: string; specs: string }) => {
      const logger = io.logger ?? createLogger({ stderr: true, name: 'bulk-users-server', file: path.resolve(io.env.BULK_USERS_LOG_DIR ?? 'logs', 'bulk_user_management.log') });
      const server = await startServer({ env: io.env, host: flags.host, specsDir: flags.specs, logger, ...(flags.port !== undefined ? { port: flags.port } : {}) });
      io.stdout(`bulk-users API listening on ${server.url} (OpenAPI at ${server.url}/docs)\n`);
      await stopRequested(io.stopSignal);
      io.stdout('bulk-users API stopping\n');
      await server.close();
      io.stdout('bulk-users API stopped\n');
    });
}
