import type pg from 'pg';

/** One transaction's statements, each a single statement of plain SQL (no parameters). */
export interface TripStatements {
  /** The statement whose outcome the caller wants (its affected rows, its COPY data). */
  main: string;
  before?: readonly string[];
  after?: readonly string[];
  /**
   * Commits without waiting for the WAL flush: only for writes a later run redoes by itself
   * if a crash loses them (see db/asyncCommit.ts), never for what a client was told is stored.
   */
  asyncCommit: boolean;
}

/**
 * Runs a transaction sent as one simple query: one round trip instead of one per
 * statement, which for a create batch of 1,000 rows was a quarter of its time. The server
 * runs the statements in order and skips the rest after a failure, leaving the transaction
 * aborted; it is rolled back here. `send` sends `text` on the connection and returns what
 * the caller needs of the answer; `mainIndex` is the position of `main`'s result among the
 * statements' results. Returns null when a statement hit a unique constraint (nothing of
 * the transaction was written), and throws any other error.
 */
export async function singleTripTransaction<T>(
  pool: pg.Pool,
  s: TripStatements,
  send: (client: pg.PoolClient, text: string, mainIndex: number) => Promise<T>,
): Promise<T | null> {
  const statements = ['BEGIN', ...(s.asyncCommit ? ['SET LOCAL synchronous_commit = off'] : []), ...(s.before ?? [])];
  const mainIndex = statements.length;
  statements.push(s.main, ...(s.after ?? []), 'COMMIT');
  const client = await pool.connect();
  // A connection whose rollback failed is in no known state: it goes, not back to the pool.
  let broken: Error | undefined;
  try {
    return await send(client, statements.join('; '), mainIndex);
  } catch (err) {
    await client.query('ROLLBACK').catch((e: unknown) => {
      broken = e instanceof Error ? e : new Error(String(e));
    });
    if ((err as { code?: string }).code === '23505') return null;
    throw err;
  } finally {
    client.release(broken);
  }
}
