import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A value in COPY text format: backslash, tab, newline and carriage return escaped; null as \N. */
export function copyField(v: string | null): string {
  if (v === null) return '\\N';
  // Almost every value needs no escape: one scan to find out, instead of four replaces.
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * Runs one `COPY … FROM STDIN` fed from `chunks` (COPY text format) in a transaction of its
 * own and returns true; or false when a row hit a unique constraint, in which case nothing
 * of it was written. `before` and `after` are plain SQL run in the same transaction.
 * `asyncCommit` commits without waiting for the WAL flush: only for writes a later run
 * redoes by itself if a crash loses them (see db/asyncCommit.ts), never for what a client
 * was told is stored.
 *
 * Everything travels as one simple query, so one round trip instead of four: the server
 * runs the COPY's data in between and the COMMIT after it; a failing COPY skips the
 * COMMIT and leaves the transaction aborted, rolled back here.
 */
export async function copyInTransaction(
  pool: pg.Pool,
  statements: { copy: string; before?: string; after?: string; asyncCommit: boolean },
  chunks: Iterable<string>,
): Promise<boolean> {
  const client = await pool.connect();
  // A connection whose rollback failed is in no known state: it goes, not back to the pool.
  let broken: Error | undefined;
  try {
    const stream = client.query(
      copyFrom(
        `BEGIN; ${statements.asyncCommit ? 'SET LOCAL synchronous_commit = off; ' : ''}${statements.before ? `${statements.before}; ` : ''}${statements.copy}; ${statements.after ? `${statements.after}; ` : ''}COMMIT`,
      ),
    );
    try {
      await pipeline(Readable.from(chunks), stream);
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      if ((err as { code?: string }).code === '23505') return false;
      throw err;
    }
    return true;
  } finally {
    client.release(broken);
  }
}
