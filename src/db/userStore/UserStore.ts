import { sql, type RawBuilder } from 'kysely';
import type pg from 'pg';
import type { PopulationSpec } from '../../spec/DesiredState.ts';
import type { MemberShape } from '../memberSql.ts';
import type { Db } from '../openDatabase.ts';

/**
 * Where test users live: the embedded `users` table with the reconciler's columns
 * (EmbeddedUsersStore), or the application's own table with ownership kept in a side table
 * of ours (MappedTableStore). Observation, counts, export and sync read `rows`; apply
 * writes through the batch methods. Every write method restricts its statement to test
 * users (the marker) owned by a population, in the SQL itself: a production row can never
 * be reached, whatever the caller passes.
 */
export interface UserStore {
  /** For messages and the plan: "users" or the mapped table's name. */
  readonly description: string;
  /**
   * A relation with the columns of USER_ROW_COLUMNS, used as `FROM ${store.rows} u`.
   * Embedded: the users table itself (so every query stays what it was).
   */
  readonly rows: RawBuilder<unknown>;
  /**
   * Checks the store against the database and the populations that will live in it, before
   * a run reads or writes; an OperatorError names what does not fit. Reads only.
   */
  check(db: Db, populations: readonly Pick<PopulationSpec, 'name' | 'pattern'>[]): Promise<void>;
  /** Whether the per-population summary of migration 0009 (bulk_user_summary) keeps this store's test users. */
  readonly summarized: boolean;
  /** What identifies the store's rows (a switch to another store must not strand them); null for the embedded table. */
  readonly identity: object | null;
  /** The table test users live in and its primary key, as the catalog names them (foreign keys point at it). */
  readonly table: { name: string; primaryKey: string };
  /** Tables whose rows referencing a deleted test user are deleted first, in the same statement. */
  readonly dependents: readonly { table: string; column: string }[];
  /** Before the first write of an applying run, under the reconcile lock: whatever the store needs in the database. */
  prepare(db: Db): Promise<void>;
  /**
   * Creates members [from, to] of a population (exactly `seqs`, when the batch lists them),
   * skipping usernames that are taken (each a late conflict); returns how many it wrote.
   * One transaction: all of the batch or none.
   */
  createBatch(db: Db, pool: pg.Pool | undefined, batch: CreateBatch): Promise<number>;
  /**
   * Whether createBatch takes batches that list their `seqs` (in username order, to suit
   * the username index). Absent: batches are ranges [from, to], in seq order.
   */
  createsInUsernameOrder?(db: Db): Promise<boolean>;
  /** Rewrites up to `limit` stale members with seq > `after`; returns their seqs. */
  updateBatch(db: Db, batch: UpdateBatch): Promise<{ seq: number }[]>;
  /**
   * Deletes up to `limit` rows of a population with seq > `after` that are not members of
   * `keep` (every row when null); returns their seqs.
   */
  deleteBatch(db: Db, batch: DeleteBatch): Promise<{ seq: number }[]>;
  /** Deletes up to `limit` marked test rows (id > `after`) that no known population owns; returns their ids. */
  deleteUnmanagedBatch(db: Db, after: number, limit: number): Promise<{ id: number }[]>;
  /**
   * Takes marked rows that belong to no population and carry a username the pattern gives
   * for a seq in the shape's range under `population`; returns how many (only counts them
   * when `dryRun`).
   */
  adopt(db: Db, population: string, shape: MemberShape, dryRun: boolean): Promise<number>;
}

/**
 * The columns of `UserStore.rows`, as the reads use them: id, username, email,
 * password_hash, is_test_user (the marker), is_admin, population, seq, content_hash,
 * expires_at, attributes, created_at, updated_at.
 */
export const USER_ROW_COLUMNS = [
  'id', 'username', 'email', 'password_hash', 'is_test_user', 'is_admin', 'population', 'seq', 'content_hash', 'expires_at', 'attributes', 'created_at', 'updated_at',
] as const;

/** The content every member of a population carries. */
export interface MemberContent {
  population: string;
  prefix: string;
  suffix: string;
  /** null: the username is the e-mail address; else the domain appended to it. */
  emailDomain: string | null;
  passwordHash: string;
  contentHash: string;
  attributes: Record<string, unknown>;
  expiresAt: string | null;
}

export interface CreateBatch extends MemberContent {
  from: number;
  to: number;
  /**
   * The members to create, in the order to write them, all within [from, to]; only given
   * to a store whose createsInUsernameOrder said yes.
   */
  seqs?: readonly number[];
}

export interface UpdateBatch extends MemberContent {
  /** Members are seq in [lo, hi). */
  lo: number;
  hi: number;
  after: number;
  limit: number;
}

export interface DeleteBatch {
  population: string;
  /** The desired shape whose members stay; null deletes the whole population. */
  keep: MemberShape | null;
  after: number;
  limit: number;
}

/** How many members a create batch holds: its listed seqs, else its range. */
export function batchRows(b: Pick<CreateBatch, 'from' | 'to' | 'seqs'>): number {
  return b.seqs ? b.seqs.length : b.to - b.from + 1;
}

/** The seqs of a create batch as a set-returning SQL expression, in the batch's order. */
export function batchSeqsSql(b: Pick<CreateBatch, 'from' | 'to' | 'seqs'>): RawBuilder<unknown> {
  return b.seqs ? sql`unnest(${b.seqs}::bigint[])` : sql`generate_series(${b.from}::bigint, ${b.to}::bigint)`;
}

/** The e-mail address of a member, as SQL over its username expression. */
export function emailOf(c: Pick<MemberContent, 'emailDomain'>, username: RawBuilder<string>): RawBuilder<string> {
  return c.emailDomain === null ? username : sql<string>`${username} || ${'@' + c.emailDomain}`;
}
