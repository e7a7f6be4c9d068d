import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { singleTripTransaction, type TripStatements } from './singleTripTransaction.ts';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A value in COPY text format: backslash, tab, newline and carriage return escaped; null as \N. */
export function copyField(v: string | null): string {
  if (v === null) return '\\N';
  // Almost every value needs no escape: one scan to find out, instead of four replaces.
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * Runs one `COPY … FROM STDIN` (the `main` statement) fed from `chunks` (COPY text
 * format) in a transaction of its own, sent in one round trip (see singleTripTransaction),
 * and returns true; or false when a row hit a unique constraint, in which case nothing of
 * it was written.
 */
export async function copyInTransaction(pool: pg.Pool, statements: TripStatements, chunks: Iterable<string>): Promise<boolean> {
  const done = await singleTripTransaction(pool, statements, async (client, text) => {
    await pipeline(Readable.from(chunks), client.query(copyFrom(text)));
    return true;
  });
  return done ?? false;
}
