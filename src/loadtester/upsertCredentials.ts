import { sql, type Kysely } from 'kysely';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';
import type { CredentialInput } from './routeSchemas.ts';
import { encryptPasswords } from './secretBox.ts';
import type { StageClock } from '../metrics/stageTimes.ts';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Inserts new usernames, replaces records whose content_hash differs and leaves equal
 * ones untouched — in one statement, hence one transaction, however many records.
 *
 * Set-based rather than a loop: the whole batch travels as one jsonb parameter and
 * PostgreSQL does the rest, so 10,000 records cost one round trip. The `WHERE ... IS
 * DISTINCT FROM` makes an unchanged record a true no-op (no new row version, updated_at
 * kept), which is what makes repeating a request change nothing.
 *
 * Callers must have checked that each username appears once (assertStorableRecords).
 */
export async function upsertCredentials(db: Kysely<LoadTesterDatabase>, key: Buffer, users: readonly CredentialInput[], clock?: StageClock): Promise<UpsertCounts> {
  // Encrypted here because the key never goes to the database. Unchanged records are
  // encrypted too (and then discarded): cheaper than a round trip to find out which.
  const sealed = encryptPasswords(key, users);
  const rows = users.map((u, i) => ({
    username: u.username,
    population: u.population,
    email: u.email ?? null,
    password_enc: sealed[i]!,
    content_hash: u.content_hash,
    attributes: u.attributes ?? null,
  }));
  clock?.lap('encrypt');
  const param = JSON.stringify(rows);
  clock?.lap('encode');

  // RETURNING sees only rows actually written; xmax = 0 marks a fresh insert (an updated
  // row carries the xmax of our own transaction). Records the WHERE skipped are the
  // unchanged ones. ORDER BY makes concurrent batches lock rows in the same order, so two
  // overlapping upserts wait for each other instead of deadlocking.
  const result = await sql<{ inserted: number; updated: number }>`
    WITH written AS (
      INSERT INTO loadtester.credentials AS credentials
        (username, population, email, password_enc, content_hash, attributes, updated_at)
      SELECT r.username, r.population, r.email, r.password_enc, r.content_hash, r.attributes, now()
      FROM jsonb_to_recordset(${param}::jsonb)
        AS r(username text, population text, email text, password_enc text, content_hash text, attributes jsonb)
      ORDER BY r.username
      ON CONFLICT (username) DO UPDATE SET
        population = excluded.population,
        email = excluded.email,
        password_enc = excluded.password_enc,
        content_hash = excluded.content_hash,
        attributes = excluded.attributes,
        updated_at = now()
      WHERE credentials.content_hash IS DISTINCT FROM excluded.content_hash
      RETURNING (xmax = 0) AS is_insert
    )
    SELECT count(*) FILTER (WHERE is_insert)::int AS inserted,
           count(*) FILTER (WHERE NOT is_insert)::int AS updated
    FROM written`.execute(db);

  clock?.lap('upsert');
  const counts = result.rows[0] ?? { inserted: 0, updated: 0 };
  return { inserted: counts.inserted, updated: counts.updated, unchanged: users.length - counts.inserted - counts.updated };
}
