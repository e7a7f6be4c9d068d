import os from 'node:os';
import type { Logger } from './logger.ts';

export interface MemoryBudget {
  /** Bytes the process may use: BULK_USERS_MEMORY_LIMIT, else the container's limit, else the machine's memory. */
  limitBytes: number;
  /** Percent of the limit above which a run logs a `memory` warning (BULK_USERS_MEMORY_WARN_PERCENT, default 80). */
  warnPercent: number;
}

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** Parses 512M, 2G, 1048576; undefined when not a size. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG]?)i?B?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]) * UNITS[m[2]!.toUpperCase()]!;
  return n > 0 ? Math.floor(n) : undefined;
}

/** The budget from the environment; a value that does not parse is ignored (the default applies). */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env): MemoryBudget {
  const total = os.totalmem();
  // A cgroup limit (a container, a systemd MemoryMax=) below the machine's memory is the real one.
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  const fromEnv = env.BULK_USERS_MEMORY_LIMIT ? parseByteSize(env.BULK_USERS_MEMORY_LIMIT) : undefined;
  const limitBytes = fromEnv ?? (constrained && constrained > 0 && constrained < total ? constrained : total);
  const percent = Number(env.BULK_USERS_MEMORY_WARN_PERCENT);
  return { limitBytes, warnPercent: Number.isFinite(percent) && percent > 0 && percent <= 100 ? percent : 80 };
}

const CHECK_EVERY_MS = 1000;

/**
 * Watches the process's resident memory while a run goes on and logs one `memory` warning
 * each time it rises above the budget's threshold (again only after it fell back below).
 * Returns the function that stops watching.
 */
export function watchMemory(logger: Logger, budget: MemoryBudget, rss: () => number = () => process.memoryUsage.rss()): () => void {
  const threshold = (budget.limitBytes * budget.warnPercent) / 100;
  let above = false;
  const check = (): void => {
    const used = rss();
    if (used > threshold && !above) {
      logger.warn(
        { memory: { rss_bytes: used, limit_bytes: budget.limitBytes, percent: Math.round((used / budget.limitBytes) * 1000) / 10, warn_percent: budget.warnPercent } },
        `memory: resident memory ${mib(used)} is above ${budget.warnPercent}% of the ${mib(budget.limitBytes)} limit`,
      );
    }
    above = used > threshold;
  };
  check();
  const timer = setInterval(check, CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}
