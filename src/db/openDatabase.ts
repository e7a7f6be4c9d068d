import { LOCK_KEYS } from './lockKeys.ts';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { ensureEmbeddedPostgres } from './embeddedPostgres.ts';
import { dataDirectory } from '../dataDirectory.ts';
import { migrateToLatest } from './migrations.ts';
import type { Database } from './schema.ts';

// bigint columns (id, seq, counts) arrive as strings by default; every number we keep
// fits in 2^53, and exact integers are what the plan reports.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Db = Kysely<Database>;

export interface OpenDatabase {
  db: Db;
  /** The pool under `db`, for what Kysely does not speak (COPY). */
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** DATABASE_URL when set, else the machine's embedded PostgreSQL (started on first use). */
export async function resolveDatabaseUrl(env: NodeJS.ProcessEnv = process.env): Promise<{ url: string; embedded: boolean }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: false };
  const server = await ensureEmbeddedPostgres(dataDirectory(env));
  return { url: server.url, embedded: true };
}

const MIGRATION_LOCK = LOCK_KEYS.migration;

/** Connects, migrates the schema (serialized across processes) and returns a Kysely handle. */
export async function openDatabase(
  opts: {
    url?: string;
    env?: NodeJS.ProcessEnv;
    poolSize?: number;
    /** Sees every SQL statement (tests prove invariants with it). */
    onQuery?: (sql: string, params: readonly unknown[]) => void;
    /** false: only connect (`doctor` looks at the schema and must not change it). */
    migrate?: boolean;
    /** Give up connecting after this long (default: wait as long as the network does). */
    connectTimeoutMs?: number;
  } = {},
): Promise<OpenDatabase> {
  const resolved = opts.url ? { url: opts.url, embedded: false } : await resolveDatabaseUrl(opts.env);
  // bulk_users.reconciler marks our sessions for the database guard (migration 0003).
  const pool = new pg.Pool({
    connectionString: resolved.url,
    max: opts.poolSize ?? 4,
    application_name: 'bulk-users',
    options: '-c bulk_users.reconciler=on',
    ...(opts.connectTimeoutMs ? { connectionTimeoutMillis: opts.connectTimeoutMs } : {}),
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const onQuery = opts.onQuery;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    ...(onQuery ? { log: (e) => onQuery(e.query.sql, e.query.parameters) } : {}),
  });
  if (opts.migrate === false) return { db, pool, url: resolved.url, embedded: resolved.embedded, close: () => db.destroy() };
  try {
    await db.connection().execute(async (conn) => {
      await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
      try {
        await migrateToLatest(conn);
      } finally {
        await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
      }
    });
  } catch (err) {
    await db.destroy();
    throw new DatabaseUnavailableError(resolved.url, err);
  }
  return { db, pool, url: resolved.url, embedded: resolved.embedded, close: () => db.destroy() };
}

/** Opens the database for one piece of work and closes it whatever happens. */
export async function withDatabase<T>(env: NodeJS.ProcessEnv, work: (database: OpenDatabase) => Promise<T>): Promise<T> {
  const database = await openDatabase({ env });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** The database could not be reached or prepared; the message names where, without the password. */
export class DatabaseUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`cannot use database ${redactUrl(url)}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DatabaseUnavailableError';
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
