import pg from 'pg';

/**
 * A string as an SQL literal, or NULL: for statements sent as plain SQL, several in one
 * simple query (which takes no parameters). pg's escaping doubles quotes and, when there
 * is a backslash, writes an E'' literal, so the text arrives as it was whatever
 * standard_conforming_strings says.
 */
export function literal(v: string | null): string {
  return v === null ? 'NULL' : pg.escapeLiteral(v);
}

/** An integer as SQL text; anything but a safe integer is a bug, refused rather than sent. */
export function integerLiteral(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${n}`);
  return String(n);
}
