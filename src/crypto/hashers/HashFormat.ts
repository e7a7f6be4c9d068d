/**
 * One stored password-hash format: how to write it, how to recognise and check it, and
 * whether a stored hash was written with the parameters configured now.
 */
export interface HashFormat<P> {
  /** The `algorithm` name a ReconcilerConfig's passwordHash uses. */
  readonly id: string;
  /** Parameters used when the configuration leaves them out. */
  readonly defaults: Required<P>;
  hash(plain: string, params: Required<P>): Promise<string>;
  /** True when the stored string is in this format (its prefix and shape), whatever the password. */
  matches(stored: string): boolean;
  /** Constant-time check; false for a malformed hash of this format, never a throw. */
  verify(stored: string, plain: string): Promise<boolean>;
  /** True when `stored` (already known to match) carries exactly these parameters. */
  hasParams(stored: string, params: Required<P>): boolean;
}

/** Parameters read back from a stored hash: all decimal positive integers, else undefined. */
export function positiveIntegers(values: readonly string[]): number[] | undefined {
  const out = values.map((v) => (/^[1-9][0-9]{0,9}$/.test(v) ? Number(v) : NaN));
  return out.every((n) => Number.isSafeInteger(n)) ? out : undefined;
}
