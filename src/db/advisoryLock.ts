import { LOCK_KEYS } from './lockKeys.ts';
import pg from 'pg';

/** Key of the lock every applying reconciler takes (docs/design.md, "Locking"). */
export const RECONCILE_LOCK_KEY = LOCK_KEYS.reconcile;

export class LockTimeoutError extends Error {
  constructor(
    readonly waitedMs: number,
    /** What held it up: another reconcile (the lock), or create batches of an earlier run still running in the server. */
    blockedBy: 'reconcile' | 'batches' = 'reconcile',
  ) {
    super(
      (blockedBy === 'reconcile'
        ? 'another reconcile is applying to this database (advisory lock held)'
        : 'create batches of an earlier run, whose process is gone, are still running in the database (see pg_stat_activity; a lock held by another session may be blocking them)') +
        `; waited ${(waitedMs / 1000).toFixed(1)}s. Try again later or pass --lock-timeout SECONDS to wait longer`,
    );
    this.name = 'LockTimeoutError';
  }
}

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Takes a session-level advisory lock on a connection of its own, outside the pool, so
 * the lock lives exactly as long as this holder: if the process dies, PostgreSQL drops
 * the connection and the lock with it.
 */
export async function acquireAdvisoryLock(url: string, opts: { key?: number; timeoutMs: number; pollMs?: number; /** Stops waiting (a shutdown). */ signal?: AbortSignal }): Promise<HeldLock> {
  const client = new pg.Client({ connectionString: url, application_name: 'bulk-users-lock' });
  client.on('error', () => {});
  await client.connect();
  const key = opts.key ?? RECONCILE_LOCK_KEY;
  const started = Date.now();
  // Polled, so the wait keeps its timeout and its abort signal whatever it waits for.
  const take = async (sql: string, k: number, blockedBy: 'reconcile' | 'batches'): Promise<void> => {
    for (;;) {
      const { rows } = await client.query<{ ok: boolean }>(sql, [k]);
      if (rows[0]?.ok) return;
      if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('stopped waiting for the reconcile lock');
      const waited = Date.now() - started;
      if (waited >= opts.timeoutMs) throw new LockTimeoutError(waited, blockedBy);
      await new Promise((r) => setTimeout(r, Math.min(opts.pollMs ?? 200, opts.timeoutMs - waited)));
    }
  };
  try {
    await take('SELECT pg_try_advisory_lock($1) AS ok', key, 'reconcile');
    // Create batches of a run killed just now may still be running in the server (see
    // LOCK_KEYS.createsInFlight): they land before this holder looks at anything. A batch
    // stuck there (behind another transaction's lock) counts against the same timeout;
    // on failure, ending the connection below frees the reconcile lock taken above.
    if (key === RECONCILE_LOCK_KEY) await take('SELECT pg_try_advisory_xact_lock($1) AS ok', LOCK_KEYS.createsInFlight, 'batches');
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  return {
    async release() {
      await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {});
      await client.end().catch(() => {});
    },
  };
}
