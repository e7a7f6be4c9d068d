/**
 * Where a full sync's time goes, stage by stage: the reconciler's own stage times and the
 * Load Tester's (both from the child's result, see ChildResult.stages), plus the time
 * PostgreSQL spent in the summary triggers of both sides (pg_stat_user_functions, which
 * needs track_functions = 'pl' on the bench database: the bench sets it when it may).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import type { ChildResult } from './childProtocol.ts';
import { formatNumber, type TableRow } from './report.ts';

export type TriggerTimes = Record<string, { calls: number; ms: number }>;

/** Turns on per-function statistics for new sessions of `dbName`; false when not allowed (not a superuser). */
export async function trackFunctions(adminQuery: (text: string) => Promise<void>, dbName: string): Promise<boolean> {
  try {
    await adminQuery(`ALTER DATABASE ${dbName} SET track_functions = 'pl'`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Calls and total milliseconds of the summary trigger functions so far. Statistics of a
 * session reach the view when it ends (or is idle), so read this after the sessions that
 * did the work closed.
 */
export async function readTriggerTimes(db: pg.Client): Promise<TriggerTimes> {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await db.query<{ name: string; calls: number; ms: number }>(
    `SELECT schemaname || '.' || funcname AS name, calls::float8 AS calls, total_time::float8 AS ms
     FROM pg_stat_user_functions WHERE funcname LIKE '%summarize%'`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, { calls: r.calls, ms: r.ms }]));
}

export function triggerDelta(before: TriggerTimes, after: TriggerTimes): TriggerTimes {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, { calls: v.calls - (before[k]?.calls ?? 0), ms: v.ms - (before[k]?.ms ?? 0) }]));
}

/** Figures `<prefix>.stageMs.<stage>` for latest.json. */
export function stageFigures(prefix: string, r: ChildResult, triggers: TriggerTimes | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.stages ?? {})) out[`${prefix}.stageMs.${k}`] = v;
  if (triggers) {
    out[`${prefix}.stageMs.trigger.syncSummary`] = sumOf(triggers, (name) => name.startsWith('public.'));
    out[`${prefix}.stageMs.trigger.loadTesterDigests`] = sumOf(triggers, (name) => name.startsWith('loadtester.'));
  }
  return out;
}

function sumOf(t: TriggerTimes, which: (name: string) => boolean): number {
  return Object.entries(t)
    .filter(([k]) => which(k))
    .reduce((n, [, v]) => n + v.ms, 0);
}

const STAGES: [string, string][] = [
  ['upsert.read', 'reconciler: read + assemble records from users (window queries)'],
  ['client.encode', 'reconciler: JSON encoding of request bodies'],
  ['client.http', 'reconciler: HTTP round trips (send to answer read)'],
  ['server.decode', 'Load Tester: receive + JSON decode'],
  ['server.validate', 'Load Tester: schema validation'],
  ['server.check', 'Load Tester: storable-text and duplicate checks'],
  ['server.encrypt', 'Load Tester: password encryption (once per password and population of a batch)'],
  ['server.probe', 'Load Tester: are the first and last usernames of the batch held? (insert, COPY or upsert)'],
  ['server.encode', 'Load Tester: statement parameters or COPY rows'],
  ['server.insert', 'Load Tester: INSERT of batches of new records sharing their other fields (incl. digest triggers)'],
  ['server.copy', 'Load Tester: COPY of other batches of new records (incl. digest triggers)'],
  ['server.upsert', 'Load Tester: upsert statement (incl. digest triggers)'],
  ['trigger.loadTesterDigests', '  of which digest delta triggers (PostgreSQL)'],
  ['upsert.mark', 'reconciler: sync-state writes (incl. summary triggers)'],
  ['trigger.syncSummary', '  of which sync-summary triggers (PostgreSQL)'],
];

/** Table rows, one per stage, in ms summed over chunks (and over concurrent ones). */
export function stageRows(step: string, prefix: string, figures: Record<string, number>, r: ChildResult): TableRow[] {
  const n = (v: number, d = 0) => formatNumber(v, d);
  const rows: TableRow[] = [];
  for (const [key, label] of STAGES) {
    const v = figures[`${prefix}.stageMs.${key}`];
    if (v === undefined) continue;
    rows.push({ step, figure: `stage ${key}`, value: `${n(v / 1000, 2)} s`, raw: `${label}; summed over chunks${key.startsWith('trigger.') ? '' : ` (${n(v / Math.max(1, r.target.requests), 1)} ms per request)`}` });
  }
  return rows;
}

/**
 * CPU milliseconds PostgreSQL used so far: the postmaster, its live children and the
 * children it reaped (backends that exited). Linux /proc only, and only when the server
 * runs on this machine; undefined otherwise. CPU time does not depend on what else the
 * machine runs, so it compares variants more steadily than wall time on a shared machine.
 */
export async function postgresCpuMs(db: pg.Client): Promise<number | undefined> {
  try {
    const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backend = rows[0]!.pid;
    // A remote server's pid may name some unrelated local process.
    if (!readFileSync(`/proc/${backend}/cmdline`, 'utf8').includes('postgres')) return undefined;
    const postmaster = statOf(backend).ppid;
    const pm = statOf(postmaster);
    let ticks = pm.utime + pm.stime + pm.cutime + pm.cstime;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const s = statOf(Number(entry));
        if (s.ppid === postmaster) ticks += s.utime + s.stime;
      } catch {
        // gone meanwhile
      }
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

function statOf(pid: number): { ppid: number; utime: number; stime: number; cutime: number; cstime: number } {
  // Fields after the command name, which is in parentheses and may contain spaces.
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) };
}
