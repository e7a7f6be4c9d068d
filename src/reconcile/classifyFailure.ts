import { LockTimeoutError } from '../db/advisoryLock.ts';
import { DatabaseUnavailableError } from '../db/openDatabase.ts';
import { isDatabaseUnavailable } from '../http/isDatabaseUnavailable.ts';
import { SpecValidationError } from '../spec/SpecProblem.ts';
import { OperatorError } from './errors.ts';

export interface FailureClass {
  /** Retry with backoff (a controller's requeue), or wait for the next tick or spec change. */
  retryable: boolean;
  /** One CamelCase word for logs and the API. */
  reason: string;
}

/**
 * Why a run failed, and whether trying again soon can help. Retryable: the database is
 * unavailable, another reconciler holds the lock, a sync target failed (a run that ends
 * "partial" counts as this), or anything unforeseen (a controller requeues what it does
 * not understand, with backoff). Terminal: the operator must act first: specs that do not
 * validate, a mass deletion refused, a password variable that is not set, a wrong
 * encryption key. Retrying those would only repeat the refusal.
 */
export function classifyFailure(err: unknown): FailureClass {
  if (err instanceof SpecValidationError) return { retryable: false, reason: 'SpecInvalid' };
  if (err instanceof LockTimeoutError) return { retryable: true, reason: 'LockTimeout' };
  if (err instanceof DatabaseUnavailableError || isDatabaseUnavailable(err)) return { retryable: true, reason: 'DatabaseUnavailable' };
  if (err instanceof TargetSyncFailedError) return { retryable: true, reason: 'TargetFailed' };
  if (err instanceof OperatorError) return { retryable: false, reason: reasonOf(err.code) };
  return { retryable: true, reason: 'Unexpected' };
}

/** A run that wrote the database but could not bring every sync target in step (outcome "partial"). */
export class TargetSyncFailedError extends Error {
  constructor(readonly failures: readonly { target: string; error: string }[]) {
    super(failures.map((f) => `target "${f.target}": ${f.error}`).join('; '));
    this.name = 'TargetSyncFailedError';
  }
}

/** mass_delete_refused -> MassDeleteRefused */
function reasonOf(code: string): string {
  return code
    .split(/[_-]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
