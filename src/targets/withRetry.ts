import pRetry, { AbortError } from 'p-retry';
import { TargetError } from './SyncTargetDriver.ts';

/** A Retry-After longer than this is not waited for in full: the attempts run out instead. */
const MAX_RETRY_AFTER_MS = 60_000;

export interface RetryPolicy {
  attempts: number;
  delaySeconds: number;
}

/**
 * Retries retryable target errors with exponential backoff (delay, 2×delay, …, capped at
 * 8×delay), after any Retry-After the target gave, and gives up at once on terminal ones.
 * p-retry does the bookkeeping.
 */
export function withRetry<T>(policy: RetryPolicy, fn: () => Promise<T>, onRetry?: (err: Error, attempt: number) => void): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await fn();
      } catch (err) {
        // p-retry rethrows the wrapped original, so callers see the TargetError itself.
        if (err instanceof TargetError && !err.retryable) throw new AbortError(err);
        throw err;
      }
    },
    {
      retries: Math.max(0, policy.attempts - 1),
      factor: 2,
      minTimeout: policy.delaySeconds * 1000,
      maxTimeout: policy.delaySeconds * 8000,
      randomize: false,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft <= 0) return;
        onRetry?.(error, attemptNumber);
        // A target that says when to come back (429/503 with Retry-After) is not asked
        // sooner; p-retry's own backoff follows this wait.
        const wait = error instanceof TargetError ? (error.retryAfterMs ?? 0) : 0;
        if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, MAX_RETRY_AFTER_MS)));
      },
    },
  );
}
