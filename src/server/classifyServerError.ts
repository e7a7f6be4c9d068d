import type { FastifyError } from 'fastify';
import { SecretKeyError } from '../crypto/secretBox.ts';
import { LockTimeoutError } from '../db/advisoryLock.ts';
import type { ErrorBody } from '../http/HttpError.ts';
import { ApiSpecConflictError, ApiSpecInvalidError, NotFoundError } from '../reconcile/apiErrors.ts';
import { CreateCapExceededError } from '../reconcile/apiCreateCaps.ts';
import { OperatorError } from '../reconcile/errors.ts';
import { SpecValidationError } from '../spec/SpecProblem.ts';
import { ShuttingDownError } from './OperationTracker.ts';

/**
 * The core's errors as HTTP answers (installErrorHandling's generic rules cover the rest):
 * the request's own mistakes are 4xx, a state the operator must fix or wait out is 409 or
 * 503, and messages are the core's, which name what is wrong and never carry a stack.
 */
export function classifyServerError(err: FastifyError): { status: number; body: ErrorBody } | undefined {
  const e: unknown = err;
  if (e instanceof ApiSpecInvalidError) return { status: 400, body: { error: e.code, message: e.message, errors: e.problems.filter((p) => p.severity === 'error') } };
  if (e instanceof ApiSpecConflictError) return { status: 409, body: { error: e.code, message: e.message, errors: e.problems } };
  // A well-formed request the server's settings refuse: 422, naming the cap and its setting.
  if (e instanceof CreateCapExceededError) {
    return { status: 422, body: { error: e.code, message: e.message, cap: e.setting, limit: e.limit, requested: e.requested, ...(e.current !== undefined ? { current: e.current } : {}) } };
  }
  if (e instanceof NotFoundError) return { status: 404, body: { error: e.code, message: e.message } };
  if (e instanceof SpecValidationError) {
    const errors = e.problems.filter((p) => p.severity === 'error');
    return { status: 503, body: { error: 'specs_invalid', message: `the server's specs do not validate; an operator must fix them first:\n${e.message}`, errors } };
  }
  if (e instanceof LockTimeoutError) return { status: 503, body: { error: 'busy', message: e.message.replace(/Try again later or pass --lock-timeout SECONDS to wait longer$/, 'try again later') } };
  if (e instanceof ShuttingDownError) return { status: 503, body: { error: 'shutting_down', message: e.message } };
  // A key that cannot open what is stored is the server's problem, not the request's (generic: 500 encryption_key).
  if (e instanceof SecretKeyError) return undefined;
  // Refusals by design (mass delete, a password variable the server lacks, ...).
  if (e instanceof OperatorError) return { status: 409, body: { error: e.code, message: e.message } };
  return undefined;
}
