import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { copyField, copyInTransaction } from '../db/copyInTransaction.ts';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';
import type { CredentialInput } from './routeSchemas.ts';
import { encryptPasswords } from './secretBox.ts';
import { usernameFor } from '../spec/usernamePattern.ts';
import { expandRuns, runRecords, type CredentialRuns } from './credentialRuns.ts';
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
 * for a conflict. Index probes of its first and last username (and of each run's) decide; a username
 * taken anywhere in between makes the write fail as a whole, and the batch then goes
 * through the upsert statement like any other (the rows written before it failed were
 * written twice: a batch that mixes held and new names inside costs about double).
 *
 * Records named by runs are made by PostgreSQL in that INSERT when the batch is new and
 * its records share the runs' fields (a first sync: a few bytes per thousand records
 * instead of their names and addresses, encoded, sent, parsed and copied into arrays);
 * otherwise they are spelled out and go the way of any record.
 *
 * Callers must have checked that each username appears once (assertStorableRecords,
 * assertStorableRuns).
 */
export async function upsertCredentials(
  db: Kysely<LoadTesterDatabase>,
  key: Buffer,
  users: readonly CredentialInput[],
  clock?: StageClock,
  pool?: pg.Pool,
  /** Records named by runs (credentialRuns.ts), checked with `users` by assertStorableRuns. */
  runs?: CredentialRuns,
): Promise<UpsertCounts> {
  // Encrypted here because the key never goes to the database. Unchanged records are
  // encrypted too (and then discarded): cheaper than a round trip to find out which. The
  // runs' password is sealed with the records' (one ciphertext per population and password).
  const sealed = encryptPasswords(key, runs ? [...users, runs.fields] : users);
  let rows: SealedRow[] = sortByUsernameBytes(users.map((u, i) => ({ username: u.username, population: u.population, email: u.email ?? null, password_enc: sealed[i]!, content_hash: u.content_hash, attributes: u.attributes ?? null })));
  let sealedRuns: SealedRuns | undefined = runs && {
    fields: { population: runs.fields.population, password_enc: sealed[users.length]!, content_hash: runs.fields.content_hash, attributes: runs.fields.attributes },
    runs: runs.runs,
  };
  // Records that do not share the runs' fields are written beside them only one by one.
  if (sealedRuns && !rows.every(sameFieldsAs(sealedRuns.fields))) {
    rows = withRunsSpelledOut(rows, sealedRuns);
    sealedRuns = undefined;
  }
  const total = rows.length + (sealedRuns ? runRecords(sealedRuns.runs) : 0);
  clock?.lap('encrypt');
  if (pool && total > 0) {
    const held = await holdsAnyOf(db, edgeUsernames(rows, sealedRuns));
    clock?.lap('probe');
    if (!held && (await writeNewCredentials(pool, rows, clock, sealedRuns))) return { inserted: total, updated: 0, unchanged: 0 };
  }
  return upsertRows(db, sealedRuns ? withRunsSpelledOut(rows, sealedRuns) : rows, clock);
}

/** A batch's runs with their password sealed. */
interface SealedRuns {
  fields: Omit<SealedRow, 'username' | 'email'>;
  runs: CredentialRuns['runs'];
}

/**
 * Byte order of the usernames (UTF-8), the order the upsert statement locks rows in too
 * (COLLATE "C"): one order for every writer, so two overlapping batches wait for each
 * other instead of deadlocking. Strings compare by UTF-16 code units, which is byte order
 * unless a surrogate pair meets a character from U+E000 up: only then are the bytes
 * compared (a sort of Buffer keys cost a fifth of the service's time on a first sync).
 */
function sortByUsernameBytes(rows: SealedRow[]): SealedRow[] {
  if (rows.some((r) => SURROGATE.test(r.username))) {
    const key = new Map(rows.map((r) => [r, Buffer.from(r.username, 'utf8')]));
    return rows.sort((a, b) => Buffer.compare(key.get(a)!, key.get(b)!));
  }
  return rows.sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
}

/** The records of the runs beside `rows`, one by one and in byte order. */
function withRunsSpelledOut(rows: readonly SealedRow[], runs: SealedRuns): SealedRow[] {
  return sortByUsernameBytes([...rows, ...expandRuns(runs)]);
}

/** Whether a record has these fields (attributes compared as JSON: each record has its own object). */
function sameFieldsAs(fields: Omit<SealedRow, 'username' | 'email'>): (r: SealedRow) => boolean {
  const attributesJson = fields.attributes === null ? null : JSON.stringify(fields.attributes);
  return (r) =>
    r.population === fields.population &&
    r.password_enc === fields.password_enc &&
    r.content_hash === fields.content_hash &&
    (r.attributes === fields.attributes || (r.attributes === null ? null : JSON.stringify(r.attributes)) === attributesJson);
}

/** The first and last username of the records and of each run: what a batch of new records must not hold. */
function edgeUsernames(rows: readonly SealedRow[], runs?: SealedRuns): string[] {
  const out = rows.length > 0 ? [rows[0]!.username, rows[rows.length - 1]!.username] : [];
  for (const r of runs?.runs ?? []) out.push(usernameFor(r, r.from), usernameFor(r, r.to));
  return out;
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
async function writeNewCredentials(pool: pg.Pool, rows: readonly SealedRow[], clock?: StageClock, runs?: SealedRuns): Promise<boolean> {
  const fields = runs?.fields ?? rows[0]!;
  // With runs, every record shares their fields (upsertCredentials saw to it).
  if (runs || rows.every(sameFieldsAs(fields))) {
    const usernames = rows.map((r) => r.username);
    const emails = rows.map((r) => r.email);
    const params: unknown[] = [usernames, emails, fields.population, fields.password_enc, fields.content_hash, fields.attributes === null ? null : JSON.stringify(fields.attributes)];
    let source = 'unnest($1::text[], $2::text[]) AS t(username, email)';
    if (runs) {
      // The runs' records made by PostgreSQL, in byte order as the records are (see sortByUsernameBytes).
      const col = <K extends keyof SealedRuns['runs'][number]>(k: K) => runs.runs.map((r) => r[k]);
      params.push(col('prefix'), col('suffix'), col('from'), col('to'), col('email_suffix'));
      source = `(SELECT r.prefix || s::text || r.suffix, r.prefix || s::text || r.suffix || r.email_suffix
                 FROM unnest($7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::text[]) AS r(prefix, suffix, lo, hi, email_suffix)
                 CROSS JOIN LATERAL generate_series(r.lo, r.hi) AS s
                 UNION ALL
                 SELECT * FROM unnest($1::text[], $2::text[])) AS t(username, email)
                ORDER BY t.username COLLATE "C"`;
    }
    clock?.lap('encode');
    try {
      await pool.query(
        `INSERT INTO loadtester.credentials (username, population, email, password_enc, content_hash, attributes)
         SELECT t.username, $3, t.email, $4, $5, $6::jsonb FROM ${source}`,
        params,
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
