export interface BackoffOptions {
  /** Delay before the first retry (default 2 s). */
  baseMs: number;
  /** Ceiling (default 5 min): a failure that lasts is still retried this often. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2000, maxMs: 300_000 };

/**
 * Delay before retry number `attempt` (1, 2, ...): base * 2^(attempt-1), capped, with "full
 * jitter" on its upper half so replicas and retries that failed together do not retry
 * together. `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
