import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CreateBatch } from './userStore/UserStore.ts';

/** A create batch as COPY writes it: the attributes already serialised once for the whole batch. */
export type CopyBatch = Omit<CreateBatch, 'attributes'> & { attributesJson: string };

/** A value in COPY text format: backslash, tab, newline and carriage return escaped; null as \N. */
export function copyField(v: string | null): string {
  return v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * Creates one batch of members with COPY FROM STDIN, in a transaction committed without
 * waiting for its WAL flush (see asyncCommit), and returns how many rows it wrote; or
 * `null` when a username was taken meanwhile (unique violation), in which case nothing
 * of the batch was written and the caller falls back to INSERT … ON CONFLICT. COPY is
 * the practical ceiling of PostgreSQL's write speed; rows are built here, in one pass.
 */
export async function copyUsers(
  pool: pg.Pool,
  b: CopyBatch,
  /**
   * Plain SQL around the COPY in its transaction (the users summary's, see
   * EmbeddedUsersStore), each sent in the round trip of the statement next to it.
   */
  around?: { before: string; after: string },
): Promise<number | null> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(around ? `SET LOCAL synchronous_commit = off; ${around.before}` : 'SET LOCAL synchronous_commit = off');
    const fixed = `\t${copyField(b.passwordHash)}\tt\tf\t${copyField(b.population)}`;
    const tail = `\t${copyField(b.contentHash)}\t${copyField(b.attributesJson)}\t${copyField(b.expiresAt)}\n`;
    const prefix = copyField(b.prefix);
    const suffix = copyField(b.suffix);
    const domain = b.emailDomain === null ? null : copyField(`@${b.emailDomain}`);
    function* lines(): Generator<string> {
      let chunk = '';
      for (let s = b.from; s <= b.to; s++) {
        const username = `${prefix}${s}${suffix}`;
        chunk += `${username}\t${domain === null ? username : username + domain}${fixed}\t${s}${tail}`;
        if (chunk.length > 65536) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    const stream = client.query(
      copyFrom(`COPY users (username, email, password_hash, is_test_user, is_admin, population, seq, content_hash, attributes, expires_at) FROM STDIN`),
    );
    try {
      await pipeline(Readable.from(lines()), stream);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      if ((err as { code?: string }).code === '23505') return null;
      throw err;
    }
    try {
      await client.query(around ? `${around.after}; COMMIT` : 'COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
    return b.to - b.from + 1;
  } finally {
    client.release();
  }
}
