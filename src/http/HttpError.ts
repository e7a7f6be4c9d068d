/**
 * An error that is the client's to fix (or a known service condition), answered as
 * `{"error": code, "message": message, ...details}` with `status` — the error shape of
 * every HTTP service of this project.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra fields of the body, e.g. the list of every problem found. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The body of every error response. */
export interface ErrorBody {
  error: string;
  message: string;
  [detail: string]: unknown;
}
