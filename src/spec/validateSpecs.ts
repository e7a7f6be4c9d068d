import { lifecycleWarnings } from './lifecycleWarnings.ts';
import { buildDesiredState, type SpecLoadResult, type SpecSource } from './loadSpecs.ts';
import { practiceWarnings } from './practiceWarnings.ts';
import type { SpecProblem } from './SpecProblem.ts';

export interface SpecValidation {
  valid: boolean;
  errors: SpecProblem[];
  warnings: SpecProblem[];
  result: SpecLoadResult;
}

/**
 * What `bulk-users validate` and `POST /api/bulk-users/config/validate` report for the
 * same documents: every problem of buildDesiredState, plus, once nothing is wrong, the
 * advice of lifecycleWarnings and practiceWarnings.
 */
export function validateSpecs(sources: SpecSource[]): SpecValidation {
  const result = buildDesiredState(sources);
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) result.problems.push(...lifecycleWarnings(result.state), ...practiceWarnings(result.state));
  return { valid: errors.length === 0, errors, warnings: result.problems.filter((p) => p.severity === 'warning'), result };
}
