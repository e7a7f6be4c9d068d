/**
 * An error that is the client's to fix (or a known service condition), answered as
 * `{"error": code, "message": message}` with `status` — the protocol's error shape.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The body of every error response. */
export interface ErrorBody {
  error: string;
  message: string;
}
