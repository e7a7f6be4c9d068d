import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { LOCK_KEYS } from '../db/lockKeys.ts';

/** Schema holding every Load Tester table, including Kysely's migration bookkeeping. */
export const LOADTESTER_SCHEMA = 'loadtester';

/**
 * Serializes Load Tester migrations across processes (two instances starting together on
 * one database). A key of its own (lockKeys.ts): it once shared the `serve` leader's, so a
 * Load Tester started beside a leading replica waited for that replica to stop.
 */
const MIGRATION_LOCK = LOCK_KEYS.loadTesterMigration;

/**
 * In code rather than a folder scanned at run time, like src/db/migrations.ts, so the
 * service behaves the same from a clone, a package or a bundle. Never edit one that has
 * shipped; add the next.
 */
const migrations: Record<string, Migration> = {
  '0001_credentials': {
    async up(db: Kysely<any>) {
      await sql`
        CREATE TABLE loadtester.credentials (
          username text PRIMARY KEY,
          population text NOT NULL,
          email text,
          password_enc text NOT NULL,
          content_hash text NOT NULL,
          attributes jsonb,
          updated_at timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
      // Serves per-population digests, bucket listings, and exports "ordered by population,
      // then username". Byte order (COLLATE "C") makes that order the same on every server
      // whatever its default collation, and lets the export's ORDER BY read the index as is.
      await sql`
        CREATE INDEX credentials_population_username_idx
          ON loadtester.credentials (population COLLATE "C", username COLLATE "C")`.execute(db);
    },
  },
  '0002_bucket_index': {
    async up(db: Kysely<any>) {
      // The first 16 bits of md5(username), stored: a bucket of 2^k is a range of it, so a
      // repair listing reads its bucket through the index instead of hashing the whole
      // population (5 s per bucket at 1M records under load, measured by npm run bench).
      await sql`
        ALTER TABLE loadtester.credentials
          ADD COLUMN IF NOT EXISTS bucket16 integer
          GENERATED ALWAYS AS ((('x' || substr(md5(username), 1, 4))::bit(16)::int)) STORED`.execute(db);
      await sql`
        CREATE INDEX IF NOT EXISTS credentials_population_bucket_idx
          ON loadtester.credentials (population COLLATE "C", bucket16)`.execute(db);
    },
  },
  '0003_population_digests': {
    async up(db: Kysely<any>) {
      // Count and digest per population, so the unfiltered digest (asked for by every
      // reconcile) reads O(populations) rows instead of every credential. Kept exactly by
      // statement-level triggers from each statement's transition tables, append-only: a
      // statement adds one delta row per population it changed to population_deltas and
      // locks nothing a concurrent writer could want. Readers fold the deltas into
      // population_summary (foldPopulationDigests). No shared hot row, hence no lock order
      // to get right: an INSERT ... ON CONFLICT DO UPDATE fires its UPDATE trigger and then
      // its INSERT trigger, two passes, so even summary rows updated in sorted order within
      // each pass could deadlock two upserts that mix populations.
      //
      // The digest arithmetic is the protocol's (docs/load-tester-protocol.md, "Digests"),
      // written out here because a shipped migration must not change with the code: the sum
      // mod 2^64 of the first 64 bits of md5(username:content_hash), as a signed number.
      await sql`
        CREATE TABLE loadtester.population_summary (
          population text PRIMARY KEY,
          count bigint NOT NULL,
          digest numeric NOT NULL
        )`.execute(db);
      await sql`
        CREATE TABLE loadtester.population_deltas (
          population text NOT NULL,
          count bigint NOT NULL,
          digest numeric NOT NULL
        )`.execute(db);
      const item = (t: string): string => `('x' || substr(md5(${t}.username || ':' || ${t}.content_hash), 1, 16))::bit(64)::bigint::numeric`;
      const rowsOf = (from: string, sign: '+' | '-'): string => `SELECT population, ${sign}1 AS n, ${sign}${item('r')} AS d FROM ${from} r`;
      // Deltas that cancel out (an update that kept population and content_hash) are not written.
      const append = (rows: string): string => `
        INSERT INTO loadtester.population_deltas (population, count, digest)
        SELECT population, sum(n), sum(d) FROM (${rows}) x
        GROUP BY population HAVING sum(n) <> 0 OR sum(d) % 18446744073709551616 <> 0`;
      // TRUNCATE waits for a running fold (which holds population_summary in EXCLUSIVE mode)
      // so that no fold can write back what it read before the TRUNCATE.
      const reset = `LOCK TABLE loadtester.population_summary IN EXCLUSIVE MODE;
        DELETE FROM loadtester.population_deltas; DELETE FROM loadtester.population_summary`;
      const events = [
        { event: 'insert', referencing: 'REFERENCING NEW TABLE AS added', body: append(rowsOf('added', '+')) },
        { event: 'delete', referencing: 'REFERENCING OLD TABLE AS removed', body: append(rowsOf('removed', '-')) },
        { event: 'update', referencing: 'REFERENCING OLD TABLE AS removed NEW TABLE AS added', body: append(`${rowsOf('added', '+')} UNION ALL ${rowsOf('removed', '-')}`) },
        { event: 'truncate', referencing: '', body: reset },
      ];
      for (const { event, body } of events) {
        await sql
          .raw(`CREATE FUNCTION loadtester.summarize_${event}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body}; RETURN NULL; END $$`)
          .execute(db);
      }
      // The credentials as they are, then the triggers, under a lock that keeps writers out in between.
      await sql`LOCK TABLE loadtester.credentials IN SHARE ROW EXCLUSIVE MODE`.execute(db);
      await sql
        .raw(
          `INSERT INTO loadtester.population_summary (population, count, digest)
           SELECT population, count(*), (sum(${item('c')}) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616
           FROM loadtester.credentials c GROUP BY population`,
        )
        .execute(db);
      for (const { event, referencing } of events) {
        await sql
          .raw(
            `CREATE TRIGGER summarize_${event} AFTER ${event.toUpperCase()} ON loadtester.credentials
             ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION loadtester.summarize_${event}()`,
          )
          .execute(db);
      }
    },
  },
  '0004_drop_bucket_index': {
    async up(db: Kysely<any>) {
      // The (population, bucket16) index of 0002 took a random place for every record
      // written (bucket16 is a hash): measured, about a quarter of a first sync's time on
      // both sides together. A repair now lists all the buckets it needs of a population
      // in one request (listBuckets), one pass over that population reading the stored
      // bucket16, instead of one indexed request per bucket.
      await sql`DROP INDEX IF EXISTS loadtester.credentials_population_bucket_idx`.execute(db);
    },
  },
  '0005_population_index': {
    async up(db: Kysely<any>) {
      // The (population, username) index of 0001 made every record written a second ordered
      // insert beside the primary key's: measured, a third of the time of an INSERT of new
      // records (300,000 in 1,000-record statements: 3.3 s with it, 2.1 s without) and an
      // eighth of a first sync of 1,000,000. An index on population alone is deduplicated
      // (a population's records share one key), so a write appends to a posting list; it
      // still finds a population's records for bucket digests and listings. Exports, the one
      // reader that wanted its order, sort what they read (readCredentialPages).
      await sql`DROP INDEX IF EXISTS loadtester.credentials_population_username_idx`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS credentials_population_idx ON loadtester.credentials (population COLLATE "C")`.execute(db);
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Creates or updates the `loadtester` schema. Safe to call on every start and from several
 * processes at once: the whole run happens on one connection holding a session advisory
 * lock, so a second process waits and then finds nothing left to do. `upTo` stops after
 * that migration (tests of an upgrade from an older schema).
 */
export async function migrateLoadTester(db: Kysely<any>, upTo?: string): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      // Kysely would create the schema too, but only inside its own bookkeeping; creating it
      // explicitly (under the lock, so IF NOT EXISTS cannot race) keeps the intent visible.
      await sql`CREATE SCHEMA IF NOT EXISTS loadtester`.execute(conn);
      const migrator = new Migrator({
        db: conn,
        provider,
        migrationTableSchema: LOADTESTER_SCHEMA,
        migrationTableName: 'loadtester_migrations',
        migrationLockTableName: 'loadtester_migrations_lock',
      });
      const { error, results } = upTo ? await migrator.migrateTo(upTo) : await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error');
        throw new Error(
          `load tester migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}
