import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log/logger.ts';
import { OperatorError } from './errors.ts';

export interface CronSchedule {
  /** The next time the expression matches (null once stopped). */
  nextRun(): Date | null;
  stop(): Promise<void>;
}

/** Refuses a bad expression or time zone at start, with a message naming the flag. */
export function assertValidSchedule(expression: string, timezone?: string): void {
  const detail = cron.validateDetailed(expression);
  if (!detail.valid) {
    const why = detail.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    throw new OperatorError(`--schedule "${expression}" is not a cron expression (${why || 'invalid'}); e.g. "*/5 * * * *" (five fields, or six with seconds first)`, 'bad_flag');
  }
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      throw new OperatorError(`--timezone "${timezone}" is not an IANA time zone (e.g. UTC, Europe/Paris, Asia/Tokyo)`, 'bad_flag');
    }
  }
}

/**
 * Runs `onTick` on a cron expression (node-cron; six fields allow seconds). node-cron's
 * own guards are on: no overlapping execution (a tick while the previous one, jitter
 * included, still runs is skipped and reported through `onOverlap`) and a random delay
 * of up to `jitterMs` before each run, so replicas and other cron jobs started at the
 * same minute do not all hit the database at once.
 */
export function startCronSchedule(
  expression: string,
  opts: { timezone?: string; jitterMs: number; logger: Logger; onTick: () => Promise<void>; onOverlap: () => void },
): CronSchedule {
  assertValidSchedule(expression, opts.timezone);
  const log = opts.logger.child({ component: 'schedule' });
  const task: ScheduledTask = cron.schedule(expression, () => opts.onTick(), {
    name: 'bulk-users-reconcile',
    noOverlap: true,
    ...(opts.timezone ? { timezone: opts.timezone } : {}),
    ...(opts.jitterMs > 0 ? { maxRandomDelay: opts.jitterMs } : {}),
    logger: {
      info: (m) => log.debug(m),
      // node-cron warns about overlap and missed ticks; onOverlap says the former better.
      warn: (m) => (/overlap/i.test(m) ? undefined : log.warn(m)),
      error: (m, err) => log.error({ err: err?.message ?? (m instanceof Error ? m.message : m) }, 'scheduled task failed'),
      debug: (m) => log.debug(m instanceof Error ? m.message : m),
    },
  });
  task.on('execution:overlap', () => opts.onOverlap());
  return {
    nextRun: () => task.getNextRun(),
    async stop() {
      await task.stop();
      await task.destroy();
    },
  };
}
