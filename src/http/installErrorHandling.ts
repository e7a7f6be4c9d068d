import type { FastifyError, FastifyInstance } from 'fastify';
import { describeValidationError } from './describeValidationError.ts';
import { HttpError, type ErrorBody } from './HttpError.ts';
import { isDatabaseUnavailable } from './isDatabaseUnavailable.ts';
import { SecretKeyError } from '../crypto/secretBox.ts';

export interface ErrorHandlingOptions {
  /** How the service calls itself in messages, e.g. "the Load Tester". */
  service: string;
  /** What a 413 says (the limit, and what to do instead). */
  bodyTooLargeMessage: string;
  /** Errors of the service's own domain, mapped before the generic rules; undefined = not mine. */
  classify?: (err: FastifyError) => { status: number; body: ErrorBody } | undefined;
}

/**
 * Every failure leaves as `{"error", "message"}` (docs/load-tester-protocol.md). Bad input
 * of any kind must be a 4xx naming what is wrong, never a 500: clients treat 5xx as "try
 * again later" and 4xx as "my request is wrong", so the distinction has to be exact. No
 * response carries a stack trace; unexpected errors are logged in full instead.
 */
export function installErrorHandling(app: FastifyInstance, opts: ErrorHandlingOptions): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } satisfies ErrorBody);
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { status, body } = opts.classify?.(err) ?? classify(err, opts);
    if (status >= 500) request.log.error({ err }, body.message);
    else request.log.info({ error: body.error }, body.message);
    // Explicit type: the export route sets text/csv before its stream starts, and a
    // stream failing before its first byte ends up here with that header still set.
    void reply.code(status).type('application/json; charset=utf-8').send(body);
  });
}

function classify(err: FastifyError, opts: ErrorHandlingOptions): { status: number; body: ErrorBody } {
  if (err.validation?.[0]) {
    return { status: 400, body: { error: 'invalid_request', message: describeValidationError(err.validationContext, err.validation[0]) } };
  }
  if (err instanceof HttpError) return { status: err.status, body: { ...err.details, error: err.code, message: err.message } };

  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: { error: 'payload_too_large', message: opts.bodyTooLargeMessage } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: { error: 'unsupported_media_type', message: 'send the request body as application/json' } };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: { error: 'invalid_json', message: 'the request body is empty; a JSON object is required' } };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: { error: 'invalid_json', message: `the request body is not valid JSON: ${err.message}` } };
  }
  // SQLSTATE class 22 (data exception), e.g. "\u0000" inside attributes, which jsonb cannot
  // hold: a property of the input, so the sender's to fix.
  if (typeof err.code === 'string' && /^22[0-9A-Z]{3}$/.test(err.code)) {
    return { status: 400, body: { error: 'invalid_value', message: `PostgreSQL cannot store a value of this request: ${err.message}` } };
  }
  if (isDatabaseUnavailable(err)) {
    return { status: 503, body: { error: 'database_unavailable', message: `the database of ${opts.service} cannot be reached; try again later` } };
  }
  if (err instanceof SecretKeyError) return { status: 500, body: { error: 'encryption_key', message: err.message } };
  // Fastify's own 4xx (e.g. a malformed URL, an unknown Content-Type parser problem).
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) return { status, body: { error: 'bad_request', message: err.message } };
  return { status: 500, body: { error: 'internal_error', message: `unexpected error; details are in the log of ${opts.service}` } };
}
