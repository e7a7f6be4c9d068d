import path from 'node:path';
import type { Command } from 'commander';
import { createLogger, type Logger } from '../log/logger.ts';
import { DEFAULT_HOST } from '../http/listen.ts';
import { parsePort } from './parsePort.ts';
import { stopRequested } from './stopRequested.ts';

export interface LoadTesterCommandIO {
  stdout(t: string): void;
  env: NodeJS.ProcessEnv;
  /** Optional (the CLI's own IO carries one): request log; default the CLI log file plus warnings on stderr. */
  logger?: Logger | false;
  /** Optional, for tests: stops the server like SIGTERM does. */
  stopSignal?: AbortSignal;
}

/**
 * `bulk-users loadtester [--port N] [--host H]`: runs the Load Tester in the foreground
 * until SIGTERM or SIGINT, then stops gracefully (running requests finish, the database
 * pool closes) and the command returns, so the process exits with its normal code.
 */
export function registerLoadTesterCommand(program: Command, io: LoadTesterCommandIO): void {
  program
    .command('loadtester')
    .description('serve credentials to load-test tools (docs/load-tester-protocol.md)')
    .option('--port <port>', 'port to listen on (default LOADTESTER_PORT, else 8080)', parsePort)
    .option('--host <host>', 'address to listen on; 0.0.0.0 serves other machines', DEFAULT_HOST)
    .action(async (flags: { port?: number; host: string }) => {
      const logger =
        io.logger ??
        createLogger({ stderr: true, name: 'bulk-users-loadtester', file: path.resolve(io.env.BULK_USERS_LOG_DIR ?? 'logs', 'bulk_user_management.log') });
      const { startLoadTester } = await import('../loadtester/startLoadTester.ts');
      const server = await startLoadTester({ env: io.env, host: flags.host, logger, ...(flags.port !== undefined ? { port: flags.port } : {}) });
      io.stdout(`Load Tester listening on ${server.url}\n`);
      await stopRequested(io.stopSignal);
      io.stdout('Load Tester stopping\n');
      await server.close();
      io.stdout('Load Tester stopped\n');
    });
}
