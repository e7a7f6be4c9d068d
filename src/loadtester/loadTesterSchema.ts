import type { ColumnType, Selectable } from 'kysely';

/**
 * Kysely table types of the Load Tester's own schema `loadtester` (docs/load-tester-protocol.md).
 *
 * The tables live in a schema of their own so the Load Tester can share a database with the
 * application (and with the reconciler's tables) without any name ever colliding; the keys
 * are therefore schema-qualified.
 */
export interface LoadTesterDatabase {
  'loadtester.credentials': CredentialsTable;
  'loadtester.population_summary': PopulationDigestTable;
  'loadtester.population_deltas': PopulationDigestTable;
}

/**
 * Count and digest of a population (population_summary, one row each), or a change to them
 * made by one statement (population_deltas, appended by triggers). Digests are numeric in
 * [0, 2^64) in the summary; deltas are signed sums, reduced when folded.
 */
export interface PopulationDigestTable {
  population: string;
  count: ColumnType<string, string | number | bigint, string | number | bigint>;
  digest: ColumnType<string, string, string>;
}

/** One credential handed to load-test tools, keyed by username. */
export interface CredentialsTable {
  username: string;
  /** The reconciler's population name; exports and digests are grouped by it. */
  population: string;
  email: string | null;
  /** `secretBox` ciphertext of the password; the plaintext is never stored. */
  password_enc: string;
  /** Opaque, computed by the reconciler; stored verbatim and only compared for equality. */
  content_hash: string;
  /** jsonb: read back as a parsed value, written as JSON text. */
  attributes: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** Set by the database on insert and on every real change (not on unchanged upserts). */
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Generated: the first 16 bits of md5(username), for bucket listings by index. */
  bucket16: ColumnType<number, never, never>;
}

/** A credentials row as selected (jsonb and timestamptz already parsed by pg). */
export type CredentialRow = Selectable<CredentialsTable>;
