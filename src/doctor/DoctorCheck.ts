/** One line of `bulk-users doctor`: warnings alone never fail the command. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}

export const ok = (name: string, detail: string): DoctorCheck => ({ name, status: 'ok', detail });
export const warn = (name: string, detail: string): DoctorCheck => ({ name, status: 'warn', detail });
export const fail = (name: string, detail: string): DoctorCheck => ({ name, status: 'fail', detail });

export function messageOf(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: { message?: string }[] };
  // Node's connection errors to "localhost" are AggregateErrors (IPv4 and IPv6) with an empty message.
  return e?.message || e?.errors?.map((x) => x.message).join('; ') || e?.code || String(err);
}

/** Thresholds of the original operator guide's alerts (ALERT_THRESHOLDS). */
export const THRESHOLDS = {
  diskWarnPercent: 85,
  /** Past this, writes (the database's, the log's) are about to fail. */
  diskFailPercent: 95,
  memoryWarnPercent: 80,
  connectionsWarnPercent: 80,
} as const;

/** "3h 5m ago" style age of a past moment. */
export function ageOf(then: Date, now: Date): string {
  let s = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = d ? [`${d}d`, `${h}h`] : h ? [`${h}h`, `${m}m`] : m ? [`${m}m`, `${s}s`] : [`${s}s`];
  return `${parts.join(' ')} ago`;
}
