import pRetry, { AbortError } from 'p-retry';
import { TargetError } from './SyncTargetDriver.ts';

export interface RetryPolicy {
  attempts: number;
  delaySeconds: number;
}

/**
 * Retries retryable target errors with exponential backoff (delay, 2×delay, …, capped at
 * 8×delay), and gives up at once on terminal ones. p-retry does the bookkeeping.
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
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0) onRetry?.(error, attemptNumber);
      },
    },
  );
}
