import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { copyField, copyInTransaction } from '../db/copyInTransaction.ts';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';
import type { CredentialInput } from './routeSchemas.ts';
import { encryptPasswords } from './secretBox.ts';
import type { StageClock } from '../metrics/stageTimes.ts';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

interface SealedRow {
  username: string;
  population: string;
  email: string | null;
  password_enc: string;
  content_hash: string;
  attributes: Record<string, unknown> | null;
}

/**
 * Inserts new usernames, replaces records whose content_hash differs and leaves equal
 * ones untouched, all or nothing (one transaction), and says how many of each.
 *
 * A batch of records the service does not hold yet (the bulk of a first sync) is written
 * without conflict handling when `pool` is given: a plain INSERT of two arrays when its
 * records share all but username and e-mail, else COPY; either a third less database
 * time than the upsert statement, which parses the batch as jsonb and checks each row
 * for a conflict. Two index probes (its first and last username) decide; a username
 * taken anywhere in between makes the write fail as a whole, and the batch then goes
 * through the upsert statement like any other (the rows written before it failed were
 * written twice: a batch that mixes held and new names inside costs about double).
 *
 * Callers must have checked that each username appears once (assertStorableRecords).
 */
export async function upsertCredentials(
  db: Kysely<LoadTesterDatabase>,
  key: Buffer,
  users: readonly CredentialInput[],
  clock?: StageClock,
  pool?: pg.Pool,
): Promise<UpsertCounts> {
  // Encrypted here because the key never goes to the database. Unchanged records are
  // encrypted too (and then discarded): cheaper than a round trip to find out which.
  const sealed = encryptPasswords(key, users);
  // Byte order of the usernames (UTF-8), the order the upsert statement locks rows in too
  // (COLLATE "C"): one order for every writer, so two overlapping batches wait for each
  // other instead of deadlocking.
  const rows: SealedRow[] = users.map((u, i) => ({ username: u.username, population: u.population, email: u.email ?? null, password_enc: sealed[i]!, content_hash: u.content_hash, attributes: u.attributes ?? null }));
  // Strings compare by UTF-16 code units, which is byte order unless a surrogate pair meets
  // a character from U+E000 up: only then are the bytes compared (a sort of Buffer keys cost
  // a fifth of the service's time on a first sync).
  if (rows.some((r) => SURROGATE.test(r.username))) {
    const key = new Map(rows.map((r) => [r, Buffer.from(r.username, 'utf8')]));
    rows.sort((a, b) => Buffer.compare(key.get(a)!, key.get(b)!));
  } else {
    rows.sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  }
  clock?.lap('encrypt');
  if (pool && rows.length > 0) {
    const held = await holdsAnyOf(db, [rows[0]!.username, rows[rows.length - 1]!.username]);
    clock?.lap('probe');
    if (!held && (await writeNewCredentials(pool, rows, clock))) return { inserted: rows.length, updated: 0, unchanged: 0 };
  }
  return upsertRows(db, rows, clock);
}

const SURROGATE = /[\ud800-\udfff]/;

async function holdsAnyOf(db: Kysely<LoadTesterDatabase>, usernames: string[]): Promise<boolean> {
  const { rows } = await sql<{ held: boolean }>`
    SELECT EXISTS (SELECT 1 FROM loadtester.credentials WHERE username = ANY(${usernames}::text[])) AS held`.execute(db);
  return rows[0]?.held ?? false;
}

/**
 * False when a username was held after all (nothing written); the digest triggers fire for
 * COPY as for INSERT. A batch whose records share everything but username and e-mail (a
 * request with `shared` fields, the usual first sync) travels as two arrays beside those
 * values, once: PostgreSQL then parses two columns per record instead of six, and the
 * attributes' jsonb once (10.4–10.8 s of backend CPU for 1,000,000 credentials in
 * 1,000-record batches, against 11.5–12.4 s by COPY). One statement, so one transaction.
 */
async function writeNewCredentials(pool: pg.Pool, rows: readonly SealedRow[], clock?: StageClock): Promise<boolean> {
  const first = rows[0]!;
  const attributesJson = first.attributes === null ? null : JSON.stringify(first.attributes);
  const alike = rows.every(
    (r) =>
      r.population === first.population &&
      r.password_enc === first.password_enc &&
      r.content_hash === first.content_hash &&
      (r.attributes === first.attributes || (r.attributes === null ? null : JSON.stringify(r.attributes)) === attributesJson),
  );
  if (alike) {
    const usernames = rows.map((r) => r.username);
    const emails = rows.map((r) => r.email);
    clock?.lap('encode');
    try {
      await pool.query(
        `INSERT INTO loadtester.credentials (username, population, email, password_enc, content_hash, attributes)
         SELECT t.username, $3, t.email, $4, $5, $6::jsonb FROM unnest($1::text[], $2::text[]) AS t(username, email)`,
        [usernames, emails, first.population, first.password_enc, first.content_hash, attributesJson],
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23505') return false;
      throw err;
    } finally {
      // A stage of its own in Server-Timing, as COPY's: a client sees which path a batch took.
      clock?.lap('insert');
    }
    return true;
  }
  let text = '';
  // Records given their attributes in `shared` hold one object: encoded once.
  let attributes: SealedRow['attributes'] | undefined;
  let attributesText = '';
  for (const r of rows) {
    if (r.attributes !== attributes) {
      attributes = r.attributes;
      attributesText = copyField(attributes === null ? null : JSON.stringify(attributes));
    }
    text += `${copyField(r.username)}\t${copyField(r.population)}\t${copyField(r.email)}\t${r.password_enc}\t${copyField(r.content_hash)}\t${attributesText}\n`;
  }
  clock?.lap('encode');
  // Committed durably, as the upsert statement is: the answer tells the client it is stored.
  const copied = await copyInTransaction(pool, { main: 'COPY loadtester.credentials (username, population, email, password_enc, content_hash, attributes) FROM STDIN', asyncCommit: false }, [text]);
  // A stage of its own in Server-Timing, so a client sees which path a batch took.
  clock?.lap('copy');
  return copied;
}

/**
 * Set-based rather than a loop: the whole batch travels as one jsonb parameter and
 * PostgreSQL does the rest, so 10,000 records cost one round trip. The `WHERE ... IS
 * DISTINCT FROM` makes an unchanged record a true no-op (no new row version, updated_at
 * kept), which is what makes repeating a request change nothing.
 */
async function upsertRows(db: Kysely<LoadTesterDatabase>, rows: readonly SealedRow[], clock?: StageClock): Promise<UpsertCounts> {
  const param = JSON.stringify(rows);
  clock?.lap('encode');

  // RETURNING sees only rows actually written; xmax = 0 marks a fresh insert (an updated
  // row carries the xmax of our own transaction). Records the WHERE skipped are the
  // unchanged ones. ORDER BY keeps the lock order of every writer the same (byte order).
  const result = await sql<{ inserted: number; updated: number }>`
    WITH written AS (
      INSERT INTO loadtester.credentials AS credentials
        (username, population, email, password_enc, content_hash, attributes, updated_at)
      SELECT r.username, r.population, r.email, r.password_enc, r.content_hash, r.attributes, now()
      FROM jsonb_to_recordset(${param}::jsonb)
        AS r(username text, population text, email text, password_enc text, content_hash text, attributes jsonb)
      ORDER BY r.username COLLATE "C"
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
  return { inserted: counts.inserted, updated: counts.updated, unchanged: rows.length - counts.inserted - counts.updated };
}
