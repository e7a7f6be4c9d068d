import { formatProblem, type SpecProblem } from '../spec/SpecProblem.ts';
import { OperatorError } from './errors.ts';

/** A population (or template) sent to the API does not validate: the request is the client's to fix (400). */
export class ApiSpecInvalidError extends OperatorError {
  constructor(readonly problems: SpecProblem[]) {
    super(`the configuration does not validate:\n${problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n')}`, 'invalid_config');
    this.name = 'ApiSpecInvalidError';
  }
}

/** Valid on its own, but its name or its username space clashes with another population or spec (409). */
export class ApiSpecConflictError extends OperatorError {
  constructor(readonly problems: SpecProblem[]) {
    super(`the configuration conflicts with existing specs:\n${problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n')}`, 'conflict');
    this.name = 'ApiSpecConflictError';
  }
}

/** A named thing (sync target, batch, template) does not exist (404). */
export class NotFoundError extends OperatorError {
  constructor(message: string) {
    super(message, 'not_found');
    this.name = 'NotFoundError';
  }
}
