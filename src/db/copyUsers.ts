import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { batchRows, type CreateBatch } from './userStore/UserStore.ts';

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
   * EmbeddedUsersStore), sent in the same simple query.
   */
  around?: { before: string; after: string },
): Promise<number | null> {
  const client = await pool.connect();
  try {
    const fixed = `\t${copyField(b.passwordHash)}\tt\tf\t${copyField(b.population)}`;
    const tail = `\t${copyField(b.contentHash)}\t${copyField(b.attributesJson)}\t${copyField(b.expiresAt)}\n`;
    const prefix = copyField(b.prefix);
    const suffix = copyField(b.suffix);
    const domain = b.emailDomain === null ? null : copyField(`@${b.emailDomain}`);
    function* lines(): Generator<string> {
      let chunk = '';
      // Rows in the order given: a batch listed in username order reaches the index so.
      for (let i = 0, n = batchRows(b); i < n; i++) {
        const s = b.seqs ? b.seqs[i]! : b.from + i;
        const username = `${prefix}${s}${suffix}`;
        chunk += `${username}\t${domain === null ? username : username + domain}${fixed}\t${s}${tail}`;
        if (chunk.length > 65536) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    // One simple query, so one round trip per batch instead of four: the server runs the
    // COPY's data in between and the COMMIT after it; a failing COPY skips the COMMIT and
    // leaves the transaction aborted, rolled back below.
    const stream = client.query(
      copyFrom(
        `BEGIN; SET LOCAL synchronous_commit = off; ${around ? `${around.before}; ` : ''}COPY users (username, email, password_hash, is_test_user, is_admin, population, seq, content_hash, attributes, expires_at) FROM STDIN; ${around ? `${around.after}; ` : ''}COMMIT`,
      ),
    );
    try {
      await pipeline(Readable.from(lines()), stream);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      if ((err as { code?: string }).code === '23505') return null;
      throw err;
    }
    return batchRows(b);
  } finally {
    client.release();
  }
}
