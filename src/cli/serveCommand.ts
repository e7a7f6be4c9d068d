import type { Command } from 'commander';
import { OperatorError } from '../reconcile/errors.ts';
import type { ContinuousOptions } from '../server/startServer.ts';
import { serveUntilStopped, serviceLogger, withListenOptions, type ServiceCommandIO } from './serviceCommand.ts';

interface ServeFlags {
  port?: number;
  host: string;
  specs: string;
  schedule?: string;
  timezone?: string;
  jitter?: number;
  watch?: boolean;
  watchDebounce?: number;
  leaderRetry?: number;
  lockTimeout?: number;
  retryBackoff?: number;
  metricsPublic?: boolean;
}

/** A number of seconds for `flag`, at least `min`. */
function seconds(flag: string, min = 0) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min) throw new OperatorError(`${flag} must be a number of seconds${min > 0 ? ` of at least ${min}` : ''} (got "${v}")`, 'bad_flag');
    return n;
  };
}

/**
 * `bulk-users serve [--port N] [--host H] [--specs DIR] [--schedule CRON] [--watch]`: the
 * HTTP API (docs/http-api.md) in the foreground, and with --schedule or --watch continuous
 * reconciliation (leader elected among replicas sharing the database). SIGTERM or SIGINT
 * stops it gracefully: no new requests or runs, running operations finish (a scheduled
 * run stops at its next batch boundary), the leadership is released, then the command
 * returns and the process exits 0.
 */
export function registerServeCommand(program: Command, io: ServiceCommandIO): void {
  withListenOptions(
    program.command('serve').description('serve the HTTP API (OpenAPI and UI at /docs), optionally reconciling on a schedule and on spec changes'),
    'port to listen on (default BULK_USERS_PORT, else 5000)',
  )
    .option('--specs <dir>', 'spec directory or file', 'specs')
    .option('--schedule <cron>', 'reconcile on this cron schedule, e.g. "*/5 * * * *" (six fields: seconds first); default BULK_USERS_SCHEDULE')
    .option('--timezone <tz>', 'time zone of the schedule (IANA name; default BULK_USERS_TIMEZONE, else the local one)')
    .option('--jitter <seconds>', 'longest random delay before a scheduled run, so replicas do not stampede (default 5)', seconds('--jitter'))
    .option('--watch', 'reconcile when spec files change (invalid specs keep the last valid ones in force)')
    .option('--watch-debounce <seconds>', 'quiet time after the last spec change before reconciling (default 1)', seconds('--watch-debounce'))
    .option('--leader-retry <seconds>', 'how often a standby replica tries to take over the leadership (default 1.5)', seconds('--leader-retry', 0.1))
    .option('--lock-timeout <seconds>', 'how long a scheduled or watch run waits for another applying reconcile (default 30)', seconds('--lock-timeout'))
    .option('--metrics-public', 'serve GET /metrics without a credential (default: the API key or admin login the API takes; BULK_USERS_METRICS_PUBLIC=true)')
    .option('--retry-backoff <seconds>', 'first delay before retrying a failed run; doubles per failure up to 5 minutes (default 2)', seconds('--retry-backoff', 0.01))
    .action(async (flags: ServeFlags) => {
      const schedule = flags.schedule ?? (io.env.BULK_USERS_SCHEDULE || undefined);
      const timezone = flags.timezone ?? (io.env.BULK_USERS_TIMEZONE || undefined);
      if (schedule) (await import('../reconcile/startCronSchedule.ts')).assertValidSchedule(schedule, timezone);
      const continuous: ContinuousOptions | undefined =
        schedule || flags.watch
          ? {
              ...(schedule ? { schedule } : {}),
              ...(timezone ? { timezone } : {}),
              ...(flags.jitter !== undefined ? { jitterMs: flags.jitter * 1000 } : {}),
              watch: Boolean(flags.watch),
              ...(flags.watchDebounce !== undefined ? { watchDebounceMs: flags.watchDebounce * 1000 } : {}),
              ...(flags.leaderRetry !== undefined ? { leaderRetryMs: flags.leaderRetry * 1000 } : {}),
              ...(flags.lockTimeout !== undefined ? { lockTimeoutMs: flags.lockTimeout * 1000 } : {}),
              ...(flags.retryBackoff !== undefined ? { backoff: { baseMs: flags.retryBackoff * 1000, maxMs: 300_000 } } : {}),
            }
          : undefined;
      const logger = await serviceLogger(io, 'bulk-users-server');
      // Loaded only here: the HTTP stack is not the CLI's other commands' to carry.
      const { startServer } = await import('../server/startServer.ts');
      const server = await startServer({
        env: io.env,
        host: flags.host,
        specsDir: flags.specs,
        logger,
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        ...(continuous ? { continuous } : {}),
        ...(flags.metricsPublic ? { metricsPublic: true } : {}),
      });
      io.stdout(`bulk-users API listening on ${server.url} (OpenAPI at ${server.url}/docs)\n`);
      if (continuous) {
        const what = [schedule ? `on schedule "${schedule}"${timezone ? ` (${timezone})` : ''}` : '', flags.watch ? `when ${flags.specs} changes` : ''].filter(Boolean).join(' and ');
        io.stdout(`bulk-users reconciling ${what}, while this replica is the leader\n`);
      }
      await serveUntilStopped(server, 'bulk-users API', io);
    });
}
