import { sql } from 'kysely';
import type { Db } from './openDatabase.ts';

/**
 * Whether the unique index on `table`.`column` (the username) orders usernames as their bytes (C or POSIX
 * collation, or the builtin provider's code-point order, which is the same for UTF-8):
 * only then is the order createBatches walks the index's own order. A linguistic
 * collation (en_US, ICU) sorts punctuation and digits its own way, and an order that
 * does not match the index gains nothing.
 */
export async function usernameSortsAsBytes(db: Db, table: string, column = 'username'): Promise<boolean> {
  // to_jsonb(d): datlocprovider exists from PostgreSQL 15 on, absent means libc.
  const { rows } = await sql<{ collname: string; provider: string; collate: string | null; db_provider: string | null; db_collate: string | null }>`
    SELECT c.collname, c.collprovider AS provider, c.collcollate AS collate,
           to_jsonb(d) ->> 'datlocprovider' AS db_provider, d.datcollate AS db_collate
    FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
    JOIN pg_collation c ON c.oid = i.indcollation[0]
    JOIN pg_database d ON d.datname = current_database()
    WHERE i.indrelid = to_regclass(${table}) AND i.indisunique AND i.indnkeyatts = 1 AND i.indpred IS NULL AND a.attname = ${column}
    LIMIT 1`.execute(db);
  const r = rows[0];
  if (!r) return false;
  const bytewise = (provider: string | null, collate: string | null): boolean => provider === 'b' || ((provider ?? 'c') === 'c' && (collate === 'C' || collate === 'POSIX'));
  if (r.collname === 'C' || r.collname === 'POSIX' || r.collname === 'ucs_basic') return true;
  if (r.provider === 'd') return bytewise(r.db_provider, r.db_collate);
  return bytewise(r.provider, r.collate);
}
