/** A benchmark flag's positive integer (underscores allowed: 1_000_000), or `fallback` when absent. */
export function positiveInt(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer (got "${raw}")`);
  return n;
}
