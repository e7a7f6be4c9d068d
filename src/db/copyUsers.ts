import type pg from 'pg';
import { copyField, copyInTransaction } from './copyInTransaction.ts';
import { batchRows, type CreateBatch } from './userStore/UserStore.ts';

/** A create batch as COPY writes it: the attributes already serialised once for the whole batch. */
export type CopyBatch = Omit<CreateBatch, 'attributes'> & { attributesJson: string };

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
  const copied = await copyInTransaction(
    pool,
    {
      ...around,
      // A batch lost to a crash is created again by the next run.
      asyncCommit: true,
      copy: 'COPY users (username, email, password_hash, is_test_user, is_admin, population, seq, content_hash, attributes, expires_at) FROM STDIN',
    },
    lines(),
  );
  return copied ? batchRows(b) : null;
}
