import type { DesiredState } from './DesiredState.ts';
import type { SpecProblem } from './SpecProblem.ts';

/**
 * Advice `validate` gives beyond correctness: a population with neither ttl nor expiresAt
 * never expires, which is how test users pile up for months. Not part of loading specs,
 * so plan and reconcile output stay about changes.
 */
export function lifecycleWarnings(state: DesiredState): SpecProblem[] {
  return state.populations
    .filter((p) => p.ttl === undefined && p.expiresAt === undefined && p.source !== 'api')
    .map((p) => ({
      severity: 'warning',
      file: p.origin.file,
      line: p.origin.line,
      column: 1,
      message: `population "${p.name}" has neither ttl nor expiresAt, so its users never expire`,
      hint: 'add ttl: 7d (or expiresAt) unless it is meant to stay',
    }));
}
