import type { Command } from 'commander';
import { serveUntilStopped, serviceLogger, withListenOptions, type ServiceCommandIO } from './serviceCommand.ts';

/**
 * `bulk-users loadtester [--port N] [--host H]`: runs the Load Tester in the foreground
 * until SIGTERM or SIGINT, then stops gracefully (running requests finish, the database
 * pool closes) and the command returns, so the process exits with its normal code.
 */
export function registerLoadTesterCommand(program: Command, io: ServiceCommandIO): void {
  withListenOptions(
    program.command('loadtester').description('serve credentials to load-test tools; every route but health and stats needs a token (docs/load-tester-protocol.md)'),
    'port to listen on (default LOADTESTER_PORT, else 8080)',
    'address to listen on (default loopback); any other address needs LOADTESTER_TOKEN and a TLS proxy in front (docs/load-tester-protocol.md)',
  ).action(async (flags: { port?: number; host: string }) => {
    const logger = await serviceLogger(io, 'bulk-users-loadtester');
    const { startLoadTester } = await import('../loadtester/startLoadTester.ts');
    const server = await startLoadTester({ env: io.env, host: flags.host, logger, ...(flags.port !== undefined ? { port: flags.port } : {}) });
    io.stdout(`Load Tester listening on ${server.url}\n`);
    // Where the token is, never the token: stdout often ends up in a journal or CI log.
    io.stdout(`Write token: ${server.auth.writeFrom}${server.auth.writeFrom.startsWith('LOADTESTER_') ? '' : ' (reconcilers on this machine read it from there)'}\n`);
    io.stdout(`Read-only token: ${server.auth.readFrom ?? 'none (set LOADTESTER_READ_TOKEN to give load tools one)'}\n`);
    await serveUntilStopped(server, 'Load Tester', io);
  });
}
