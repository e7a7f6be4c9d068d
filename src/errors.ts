/**
 * An error caused by the operator's input or a refusal by design (not a bug): the CLI
 * prints its message without a stack trace and exits 1; the API answers 4xx. A leaf
 * module, so every layer may throw it.
 */
export class OperatorError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'OperatorError';
  }
}
