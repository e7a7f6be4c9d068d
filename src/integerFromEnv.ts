import { OperatorError } from './errors.ts';

/**
 * An integer setting from the environment, `fallback` when unset or empty; anything else
 * outside [min, max] is refused at start with the variable's name, rather than guessed at.
 */
export function integerFromEnv(env: NodeJS.ProcessEnv, variable: string, opts: { fallback: number; min: number; max: number; unit?: string }): number {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return opts.fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < opts.min || n > opts.max) {
    throw new OperatorError(`${variable} must be ${opts.unit ? `a number of ${opts.unit}` : 'an integer'} from ${opts.min} to ${opts.max} (got "${raw}")`, 'bad_setting');
  }
  return n;
}
