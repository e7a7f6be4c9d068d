import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/** mod 2^64 of a numeric SQL expression, into [0, 2^64): the protocol's digest arithmetic. */
const mod64 = (v: string): string => `((${v}) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616`;

/**
 * A record's item of the protocol's digest (the first 64 bits of md5(username:content_hash),
 * as a signed number), for a row aliased `t`; the digest is their sum mod 2^64.
 */
const syncSummaryItem = (t: string): string => `('x' || substr(md5(${t}.username || ':' || ${t}.content_hash), 1, 16))::bit(64)::bigint::numeric`;

/**
 * Adds deltas (rows of target, population, n, d) to bulk_sync_summary: the statement that
 * 0006's and 0010's triggers run. These helpers are shared by both migrations as the same
 * SQL text; change them only together with a migration that recreates their functions.
 */
const syncSummaryUpsert = (rows: string): string => `
        INSERT INTO bulk_sync_summary AS s (target, population, count, digest)
        SELECT target, population, sum(n), ${mod64('sum(d)')} FROM (${rows}) x
        GROUP BY target, population ORDER BY target, population
        ON CONFLICT (target, population) DO UPDATE
          SET count = s.count + excluded.count, digest = ${mod64('s.digest + excluded.digest')}`;

/**
 * Migrations live in code (not a folder scanned at run time) so the CLI works the same
 * from a clone, a package or a bundle. Never edit one that has shipped; add the next.
 */
const migrations: Record<string, Migration> = {
  '0001_users_and_populations': {
    async up(db: Kysely<any>) {
      // The users table belongs to the application; create it only where it does not exist
      // (the embedded database), and add the reconciler's columns where it does.
      await sql`
        CREATE TABLE IF NOT EXISTS users (
          id bigserial PRIMARY KEY,
          username text NOT NULL UNIQUE,
          email text,
          password_hash text,
          is_test_user boolean NOT NULL DEFAULT false,
          is_admin boolean NOT NULL DEFAULT false,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
      await sql`
        ALTER TABLE users
          ADD COLUMN IF NOT EXISTS population text,
          ADD COLUMN IF NOT EXISTS seq bigint,
          ADD COLUMN IF NOT EXISTS content_hash text,
          ADD COLUMN IF NOT EXISTS expires_at timestamptz,
          ADD COLUMN IF NOT EXISTS attributes jsonb`.execute(db);
      // Membership lookups and range predicates of observation and apply.
      await sql`CREATE UNIQUE INDEX IF NOT EXISTS users_population_seq_idx ON users (population, seq) WHERE population IS NOT NULL`.execute(db);

      await db.schema
        .createTable('bulk_populations')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull().defaultTo('file'))
        .addColumn('spec', 'jsonb', (c) => c.notNull())
        .addColumn('spec_hash', 'text', (c) => c.notNull())
        .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('observed_generation', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('username_pattern', 'text', (c) => c.notNull())
        .addColumn('deletion_policy', 'text', (c) => c.notNull().defaultTo('Delete'))
        .addColumn('password_hash', 'text')
        .addColumn('phase', 'text', (c) => c.notNull().defaultTo('Active'))
        .addColumn('status', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable('bulk_reconcile_runs')
        .ifNotExists()
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('dry_run', 'boolean', (c) => c.notNull())
        .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('finished_at', 'timestamptz')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('summary', 'jsonb')
        .addColumn('error', 'text')
        .addColumn('execution_ms', 'integer')
        .execute();
    },
  },
  '0002_sync_state': {
    async up(db: Kysely<any>) {
      // What each target holds, as far as the reconciler knows: a row is written only
      // after the target confirmed it, and removed only after the target confirmed the
      // delete, so it outlives the user row it came from.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_sync_state (
          target text NOT NULL,
          username text NOT NULL,
          population text NOT NULL,
          content_hash text NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (target, username)
        )`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS bulk_sync_state_population_idx ON bulk_sync_state (target, population)`.execute(db);
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_targets (
          name text PRIMARY KEY,
          type text NOT NULL,
          spec jsonb NOT NULL,
          last_run_at timestamptz,
          last_success_at timestamptz,
          last_error text,
          status jsonb NOT NULL DEFAULT '{}'::jsonb
        )`.execute(db);
    },
  },
  '0003_lifecycle': {
    async up(db: Kysely<any>) {
      await sql`
        ALTER TABLE bulk_populations
          ADD COLUMN IF NOT EXISTS lease_started_at timestamptz,
          ADD COLUMN IF NOT EXISTS lease_key text,
          ADD COLUMN IF NOT EXISTS expires_at timestamptz`.execute(db);
      // Who deleted what, by which rule: one row per population per run.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_audit (
          id bigserial PRIMARY KEY,
          at timestamptz NOT NULL DEFAULT now(),
          run_id bigint,
          actor text NOT NULL,
          trigger text NOT NULL,
          rule text NOT NULL,
          population text,
          count bigint NOT NULL
        )`.execute(db);
      // Defence in depth (docs/design.md, invariant 1): a session of the reconciler (it sets
      // bulk_users.reconciler = on) can never delete or rewrite a production row, whatever
      // SQL a bug produced. Statement-level with a transition table, so a batch of 50,000
      // rows pays one check, not 50,000 trigger calls. Other sessions (the application)
      // are not affected.
      await sql`
        CREATE OR REPLACE FUNCTION bulk_users_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF coalesce(current_setting('bulk_users.reconciler', true), '') = 'on'
             AND EXISTS (SELECT 1 FROM guarded_rows WHERE NOT is_test_user) THEN
            RAISE EXCEPTION 'bulk-users guard: refusing to % a production user (is_test_user = false)', lower(TG_OP)
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN NULL;
        END $$`.execute(db);
      await sql`DROP TRIGGER IF EXISTS bulk_users_guard_delete ON users`.execute(db);
      await sql`
        CREATE TRIGGER bulk_users_guard_delete AFTER DELETE ON users
        REFERENCING OLD TABLE AS guarded_rows FOR EACH STATEMENT EXECUTE FUNCTION bulk_users_guard()`.execute(db);
      await sql`DROP TRIGGER IF EXISTS bulk_users_guard_update ON users`.execute(db);
      await sql`
        CREATE TRIGGER bulk_users_guard_update AFTER UPDATE ON users
        REFERENCING OLD TABLE AS guarded_rows FOR EACH STATEMENT EXECUTE FUNCTION bulk_users_guard()`.execute(db);
    },
  },
  '0004_api': {
    async up(db: Kysely<any>) {
      // Populations created through the HTTP API: their spec lives here instead of a file.
      // The spec never holds the password; password_enc is AES-256-GCM (src/crypto/secretBox.ts,
      // the population name as authenticated data), NULL when the spec reads it from an
      // environment variable.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_api_populations (
          name text PRIMARY KEY,
          spec jsonb NOT NULL,
          labels jsonb NOT NULL DEFAULT '{}'::jsonb,
          password_enc text,
          created_by text,
          created_at timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
      // API keys: the public id is looked up, the secret compared by its SHA-256 (keys are
      // 256 random bits, so a fast hash is enough), in constant time.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_api_keys (
          id text PRIMARY KEY,
          name text NOT NULL,
          secret_hash text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          last_used_at timestamptz,
          revoked_at timestamptz
        )`.execute(db);
      await sql`CREATE UNIQUE INDEX IF NOT EXISTS bulk_api_keys_active_name_idx ON bulk_api_keys (name) WHERE revoked_at IS NULL`.execute(db);
      // Bearer tokens of /api/auth/login, stored the same way; they expire.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_sessions (
          id text PRIMARY KEY,
          secret_hash text NOT NULL,
          user_id bigint NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz NOT NULL
        )`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS bulk_sessions_expires_idx ON bulk_sessions (expires_at)`.execute(db);
      // Population templates saved through the API (built-in ones are spec files).
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_templates (
          name text PRIMARY KEY,
          spec jsonb NOT NULL,
          description text,
          created_at timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
    },
  },
  '0005_continuous': {
    async up(db: Kysely<any>) {
      // Status per population, as a controller reports it (desired vs actual, per-target
      // sync, generations, conditions, last error). A table of its own rather than
      // bulk_populations.status: a population refused before its first apply (say, its
      // password variable is missing) has no record there but does need a status, and
      // apply rewrites that column on every run.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_population_status (
          name text PRIMARY KEY,
          phase text NOT NULL,
          desired_count bigint,
          declared_count bigint,
          actual_count bigint NOT NULL DEFAULT 0,
          conflicts bigint NOT NULL DEFAULT 0,
          generation integer NOT NULL DEFAULT 0,
          observed_generation integer NOT NULL DEFAULT 0,
          targets jsonb NOT NULL DEFAULT '[]'::jsonb,
          conditions jsonb NOT NULL DEFAULT '[]'::jsonb,
          last_error jsonb,
          last_run_id bigint,
          updated_at timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
      // Which process applied a run (replicas of `serve` share one database).
      await sql`ALTER TABLE bulk_reconcile_runs ADD COLUMN IF NOT EXISTS actor text`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS bulk_reconcile_runs_started_idx ON bulk_reconcile_runs (started_at DESC)`.execute(db);
    },
  },
  '0006_sync_summary': {
    async up(db: Kysely<any>) {
      // Count and digest of bulk_sync_state per (target, population), kept by statement-level
      // triggers from the rows each statement changed, so that comparing a target's sync
      // state with the users reads one row per population instead of the whole state. The
      // digest is the protocol's (docs/load-tester-protocol.md), written out here because a
      // shipped migration must not change with the code: the sum mod 2^64 of the first 64
      // bits of md5(username:content_hash), as a signed number.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_sync_summary (
          target text NOT NULL,
          population text NOT NULL,
          count bigint NOT NULL,
          digest numeric NOT NULL,
          PRIMARY KEY (target, population)
        )`.execute(db);
      const item = syncSummaryItem;
      const apply = syncSummaryUpsert;
      // Rows of `from` as deltas: +1 and +item for rows added, -1 and -item for rows removed.
      const deltas = (from: string, sign: '+' | '-'): string => `SELECT target, population, ${sign}1 AS n, ${sign}${item('r')} AS d FROM ${from} r`;
      // One function and trigger per event: a transition table exists only for the events
      // that have it. A dry run's observation repairs drift in a transaction it rolls back,
      // and sets bulk_users.sync_summary = off for it: its writes must not hold summary rows
      // (which every chunk of a concurrent sync of that population updates) while it talks
      // to targets. syncAggregates reads the state itself in such a transaction.
      const events = [
        { event: 'insert', referencing: 'REFERENCING NEW TABLE AS added', body: apply(deltas('added', '+')) },
        { event: 'delete', referencing: 'REFERENCING OLD TABLE AS removed', body: apply(deltas('removed', '-')) },
        { event: 'update', referencing: 'REFERENCING OLD TABLE AS removed NEW TABLE AS added', body: apply(`${deltas('added', '+')} UNION ALL ${deltas('removed', '-')}`) },
        { event: 'truncate', referencing: '', body: 'DELETE FROM bulk_sync_summary' },
      ];
      for (const { event, body } of events) {
        await sql
          .raw(
            `CREATE OR REPLACE FUNCTION bulk_sync_summarize_${event}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
               IF coalesce(current_setting('bulk_users.sync_summary', true), '') <> 'off' THEN ${body}; END IF;
               RETURN NULL;
             END $$`,
          )
          .execute(db);
        await sql.raw(`DROP TRIGGER IF EXISTS bulk_sync_summarize_${event} ON bulk_sync_state`).execute(db);
      }
      // The state as it is, then the triggers, under a lock that keeps writers out in between.
      await sql`LOCK TABLE bulk_sync_state IN SHARE ROW EXCLUSIVE MODE`.execute(db);
      await sql`DELETE FROM bulk_sync_summary`.execute(db);
      await sql.raw(apply(deltas('bulk_sync_state', '+'))).execute(db);
      for (const { event, referencing } of events) {
        await sql
          .raw(
            `CREATE TRIGGER bulk_sync_summarize_${event} AFTER ${event.toUpperCase()} ON bulk_sync_state
             ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION bulk_sync_summarize_${event}()`,
          )
          .execute(db);
      }
    },
  },
  '0007_auth_sessions_and_login_failures': {
    async up(db: Kysely<any>) {
      // A session is tied to the password it was opened with: password_fingerprint is the
      // SHA-256 of users.password_hash at login, and a session whose user's hash has
      // changed since (a rotated test password, an admin's new one) no longer counts.
      // Sessions from before this migration have no fingerprint to compare, so they go.
      await sql`DELETE FROM bulk_sessions`.execute(db);
      await sql`ALTER TABLE bulk_sessions ADD COLUMN IF NOT EXISTS password_fingerprint text NOT NULL DEFAULT ''`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS bulk_sessions_user_idx ON bulk_sessions (user_id)`.execute(db);
      // Failed logins, counted per username and per client address, in the database so
      // that every replica of serve sees the same counts (counters in memory would let an
      // attacker multiply the limit by the number of replicas, and reset on each restart).
      // Successful logins never write here.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_login_failures (
          scope text NOT NULL,
          key text NOT NULL,
          failures integer NOT NULL,
          window_started_at timestamptz NOT NULL,
          locked_until timestamptz,
          PRIMARY KEY (scope, key)
        )`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS bulk_login_failures_window_idx ON bulk_login_failures (window_started_at)`.execute(db);
    },
  },
  '0008_user_store': {
    async up(db: Kysely<any>) {
      // Ownership of test users that live in the application's own table (a userStore of the
      // ReconcilerConfig): keyed by that table's primary key, so the table needs no ALTER.
      // No foreign key to it: that would put triggers on the application's table. Narrow on
      // purpose: a create writes one of these per user next to the application's row, and
      // every byte counts against the COPY ceiling (a username and attributes column here
      // cost a quarter of the create time; the username is the application's, the
      // attributes are the population's).
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_user_ownership (
          user_id bigint PRIMARY KEY,
          population text NOT NULL,
          seq bigint NOT NULL,
          content_hash text,
          expires_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS bulk_user_ownership_population_seq_idx ON bulk_user_ownership (population, seq)`.execute(db);
      // Which store the last applying run wrote to (no row: the embedded users table), for
      // readers without the specs and to refuse switching stores while test users live in
      // the old one.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_user_store (
          id boolean PRIMARY KEY DEFAULT true CHECK (id),
          spec jsonb NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
    },
  },
  '0009_user_summary': {
    async up(db: Kysely<any>) {
      // Per-population aggregates of the test users in the embedded users table, so that
      // observation and the read endpoints read one row per (population, content, lease,
      // username shape) instead of every user. Who keeps it (src/db/userSummary.ts):
      // - the reconciler, in the transaction of each create and update batch, from what it
      //   knows (a create's seq range and pattern: nothing per row); it sets
      //   bulk_users.summary = kept for that transaction, and the triggers below step aside;
      // - for every other writer: an AFTER INSERT row trigger whose WHEN is true only for a
      //   test row (so a signup pays one qualifier, and no row is updated by every signup:
      //   a statement-level trigger's call and transition table cost a single-row INSERT
      //   about a fifth, measured), and a statement-level AFTER DELETE trigger with a
      //   transition table (which the guard of 0003 captures anyway), also for the
      //   reconciler's deletes: production rows are dropped from it and a statement
      //   without test rows writes nothing;
      // - UPDATE OF the ownership columns (never a login's UPDATE of last_login): a row
      //   trigger whose WHEN is true only when a test row's ownership columns really
      //   changed, moving it between groups (no transition tables: capturing them costs
      //   every UPDATE of the table about 10%, and PostgreSQL refuses them with a column
      //   list); the reconciler's updates step aside as above;
      // - TRUNCATE empties it.
      // The shape is the username with the last occurrence of the seq's digits replaced by
      // {id}: a group whose shape is the desired pattern holds only usernames that pattern
      // gives. min_seq/max_seq are outer bounds (a delete may leave them wide until
      // bulk_user_summary_tighten narrows them), which is all a member count needs, because
      // (population, seq) is unique.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_user_summary (
          -- NULL: marked test users that no population owns (cleanup candidates).
          population text,
          content_hash text,
          expires_at timestamptz,
          shape text,
          count bigint NOT NULL,
          min_seq bigint,
          max_seq bigint,
          last_updated_at timestamptz,
          CONSTRAINT bulk_user_summary_key UNIQUE NULLS NOT DISTINCT (population, content_hash, expires_at, shape)
        )`.execute(db);
      // Whether the summary can be trusted: a rebuild sets it; anything that makes or finds
      // the summary wrong clears it, and the next read rebuilds.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_user_summary_state (
          id boolean PRIMARY KEY DEFAULT true CHECK (id),
          valid boolean NOT NULL,
          rebuilt_at timestamptz
        )`.execute(db);
      // The protocol's digest of the usernames prefix || s || suffix for s in [lo, hi] with
      // one content hash: a pure function of its key, computed once (an md5 per seq) and
      // read by every later observation of a population that is exactly that range.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_user_range_digest (
          prefix text NOT NULL,
          suffix text NOT NULL,
          content_hash text NOT NULL,
          lo bigint NOT NULL,
          hi bigint NOT NULL,
          digest numeric NOT NULL,
          PRIMARY KEY (prefix, suffix, content_hash, lo, hi)
        )`.execute(db);
      await sql`
        CREATE OR REPLACE FUNCTION bulk_user_shape(username text, seq bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
          SELECT CASE WHEN strpos(reverse(username), reverse(seq::text)) > 0 THEN
            left(username, char_length(username) - strpos(reverse(username), reverse(seq::text)) - char_length(seq::text) + 1)
            || '{id}' || right(username, strpos(reverse(username), reverse(seq::text)) - 1) END
        $$`.execute(db);
      const deltas = (from: string, sign: '+' | '-'): string =>
        `SELECT r.population, r.content_hash, r.expires_at, bulk_user_shape(r.username, r.seq) AS shape, ${sign}1 AS n, r.seq, r.updated_at
         FROM ${from} r WHERE r.is_test_user`;
      const apply = (rows: string): string => `
        INSERT INTO bulk_user_summary AS s (population, content_hash, expires_at, shape, count, min_seq, max_seq, last_updated_at)
        SELECT population, content_hash, expires_at, shape, sum(n), min(seq) FILTER (WHERE n > 0), max(seq) FILTER (WHERE n > 0),
               max(updated_at) FILTER (WHERE n > 0)
        FROM (${rows}) x GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT ON CONSTRAINT bulk_user_summary_key DO UPDATE
          SET count = s.count + excluded.count, min_seq = least(s.min_seq, excluded.min_seq), max_seq = greatest(s.max_seq, excluded.max_seq),
              last_updated_at = greatest(s.last_updated_at, excluded.last_updated_at)`;
      const byOthers = `coalesce(current_setting('bulk_users.summary', true), '') <> 'kept'`;
      // One row joining (+1) or leaving (-1) its group, for the row triggers.
      const upsertOne = (r: string, n: string, seq: string, at: string): string => `
        INSERT INTO bulk_user_summary AS s (population, content_hash, expires_at, shape, count, min_seq, max_seq, last_updated_at)
        VALUES (${r}.population, ${r}.content_hash, ${r}.expires_at, bulk_user_shape(${r}.username, ${r}.seq), ${n}, ${seq}, ${seq}, ${at})
        ON CONFLICT ON CONSTRAINT bulk_user_summary_key DO UPDATE
          SET count = s.count + excluded.count, min_seq = least(s.min_seq, excluded.min_seq), max_seq = greatest(s.max_seq, excluded.max_seq),
              last_updated_at = greatest(s.last_updated_at, excluded.last_updated_at)`;
      // The guard (an EXISTS that stops at the first test row) is planned and run in a few
      // microseconds; the statement it skips costs several times that.
      const functions = [
        // A row trigger whose WHEN (below) is false for a production row and for the
        // reconciler's own rows: those pay one qualifier per row and no call, no capture.
        {
          event: 'insert',
          body: `${upsertOne('NEW', '1', 'NEW.seq', 'NEW.updated_at')};`,
        },
        {
          event: 'delete',
          body: `IF ${byOthers} AND EXISTS (SELECT 1 FROM removed WHERE is_test_user) THEN ${apply(deltas('removed', '-'))}; DELETE FROM bulk_user_summary WHERE count = 0; END IF;`,
        },
        // A row trigger (below), fired only by a change of an ownership column of a test row:
        // the row leaves its old group and joins its new one.
        {
          event: 'update',
          body: `IF OLD.is_test_user THEN
                   ${upsertOne('OLD', '-1', 'NULL', 'NULL')};
                   DELETE FROM bulk_user_summary WHERE count = 0
                     AND (population, content_hash, expires_at, shape) IS NOT DISTINCT FROM (OLD.population, OLD.content_hash, OLD.expires_at, bulk_user_shape(OLD.username, OLD.seq));
                 END IF;
                 IF NEW.is_test_user THEN ${upsertOne('NEW', '1', 'NEW.seq', 'NEW.updated_at')}; END IF;`,
        },
        // The table is empty, and so is its summary.
        { event: 'truncate', body: `DELETE FROM bulk_user_summary; UPDATE bulk_user_summary_state SET valid = true, rebuilt_at = now();` },
      ];
      for (const { event, body } of functions) {
        await sql.raw(`CREATE OR REPLACE FUNCTION bulk_user_summarize_${event}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body} RETURN NULL; END $$`).execute(db);
      }
      // A rebuild from the table, under a lock that keeps writers out meanwhile (readers go on).
      await sql
        .raw(
          `CREATE OR REPLACE FUNCTION bulk_user_summary_rebuild(only_if_invalid boolean DEFAULT false) RETURNS void LANGUAGE plpgsql AS $$ BEGIN
             LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE;
             -- Readers that found it stale at once: the first rebuilds, the others find it done.
             IF only_if_invalid AND coalesce((SELECT valid FROM bulk_user_summary_state), false) THEN RETURN; END IF;
             DELETE FROM bulk_user_summary;
             ${apply(deltas('users', '+'))};
             INSERT INTO bulk_user_summary_state (id, valid, rebuilt_at) VALUES (true, true, now())
               ON CONFLICT (id) DO UPDATE SET valid = true, rebuilt_at = now();
           END $$`,
        )
        .execute(db);
      // (Re)creates the triggers and rebuilds: here, and after a restore that recreated the
      // users table without them (ensureUserSummary finds them missing).
      const triggers = [
        { event: 'insert', when: 'INSERT', referencing: `FOR EACH ROW WHEN (NEW.is_test_user AND current_setting('bulk_users.summary', true) IS DISTINCT FROM 'kept')` },
        { event: 'delete', when: 'DELETE', referencing: 'REFERENCING OLD TABLE AS removed' },
        {
          event: 'update',
          when: 'UPDATE OF is_test_user, population, seq, content_hash, expires_at, username',
          referencing: `FOR EACH ROW WHEN ((OLD.is_test_user OR NEW.is_test_user)
            AND (OLD.is_test_user, OLD.population, OLD.seq, OLD.content_hash, OLD.expires_at, OLD.username)
                IS DISTINCT FROM (NEW.is_test_user, NEW.population, NEW.seq, NEW.content_hash, NEW.expires_at, NEW.username)
            AND current_setting('bulk_users.summary', true) IS DISTINCT FROM 'kept')`,
        },
        { event: 'truncate', when: 'TRUNCATE', referencing: '' },
      ];
      await sql
        .raw(
          `CREATE OR REPLACE FUNCTION bulk_user_summary_install() RETURNS void LANGUAGE plpgsql AS $$ BEGIN
             LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE;
             ${triggers
               .map(
                 (t) => `DROP TRIGGER IF EXISTS bulk_user_summarize_${t.event} ON users;
             CREATE TRIGGER bulk_user_summarize_${t.event} AFTER ${t.when} ON users ${t.referencing.startsWith('FOR EACH ROW') ? t.referencing : `${t.referencing} FOR EACH STATEMENT`} EXECUTE FUNCTION bulk_user_summarize_${t.event}();`,
               )
               .join('\n             ')}
             PERFORM bulk_user_summary_rebuild();
           END $$`,
        )
        .execute(db);
      // Groups whose count differs from a fresh aggregate of the table, or whose bounds do
      // not contain the fresh ones (under the same lock as a rebuild).
      await sql
        .raw(
          `CREATE OR REPLACE FUNCTION bulk_user_summary_diff() RETURNS bigint LANGUAGE plpgsql AS $$
           DECLARE differing bigint; BEGIN
             LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE;
             WITH f AS (
               SELECT population, content_hash, expires_at, shape, sum(n) AS count, min(seq) AS min_seq, max(seq) AS max_seq
               FROM (${deltas('users', '+')}) x GROUP BY 1, 2, 3, 4)
             -- Keys compared as row text (a NULL and an empty string differ there), which hash-joins.
             SELECT count(*) INTO differing FROM f FULL JOIN (SELECT * FROM bulk_user_summary WHERE count <> 0) s
               ON (s.population, s.content_hash, s.expires_at, s.shape)::text = (f.population, f.content_hash, f.expires_at, f.shape)::text
             WHERE s.count IS DISTINCT FROM f.count
                OR NOT coalesce(s.min_seq <= f.min_seq AND s.max_seq >= f.max_seq, (s.min_seq IS NULL) = (f.min_seq IS NULL));
             RETURN differing;
           END $$`,
        )
        .execute(db);
      // Narrows the bounds of a population held in one group to the table's, found through
      // the (population, seq) index. The group's row is locked first, so the reads after it
      // (each statement a fresh snapshot) see every writer that touched the group before;
      // a writer after it widens the bounds again by itself.
      await sql
        .raw(
          `CREATE OR REPLACE FUNCTION bulk_user_summary_tighten(pop text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN
             PERFORM 1 FROM bulk_user_summary WHERE population = pop FOR UPDATE;
             UPDATE bulk_user_summary SET
               min_seq = (SELECT min(seq) FROM users WHERE population = pop AND is_test_user),
               max_seq = (SELECT max(seq) FROM users WHERE population = pop AND is_test_user)
             WHERE population = pop AND (SELECT count(*) FROM bulk_user_summary WHERE population = pop AND count <> 0) = 1;
           END $$`,
        )
        .execute(db);
      await sql`SELECT bulk_user_summary_install()`.execute(db);
    },
  },
  '0010_sync_ranges': {
    async up(db: Kysely<any>) {
      // What a target holds, kept as runs of seqs where it can be: a row here says the target
      // holds the records prefix || s || suffix for every s in [lo, hi] of a population,
      // all with one content hash. Usernames come from the pattern, so a sync that sent a
      // run of consecutive members writes one row instead of one per record (a first sync
      // of a million records: about 125 rows). A username is held through at most one
      // of a range and a row of bulk_sync_state; a write to a username inside a range first
      // splits the range around it (src/db/syncRanges.ts). digest is the protocol's digest
      // of the range's records, stored so that a range leaving the summary costs nothing.
      await sql`
        CREATE TABLE IF NOT EXISTS bulk_sync_ranges (
          target text NOT NULL,
          population text NOT NULL,
          prefix text NOT NULL,
          suffix text NOT NULL,
          lo bigint NOT NULL,
          hi bigint NOT NULL,
          content_hash text NOT NULL,
          digest numeric NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (target, population, prefix, suffix, lo),
          CHECK (hi >= lo)
        )`.execute(db);
      // Every record the sync state says a target holds, one row each: the per-username rows
      // and the ranges spelled out. For reads that look at records (drift repair's buckets,
      // counts of what a target holds too much); conditions on target and population reach
      // both halves.
      await sql`
        CREATE OR REPLACE VIEW bulk_sync_records AS
          SELECT target, username, population, content_hash, updated_at FROM bulk_sync_state
          UNION ALL
          SELECT r.target, r.prefix || s::text || r.suffix, r.population, r.content_hash, r.updated_at
          FROM bulk_sync_ranges r CROSS JOIN LATERAL generate_series(r.lo, r.hi) s`.execute(db);
      // The summary of 0006 counts the ranges too, with the same switch for a dry run.
      const apply = syncSummaryUpsert;
      const deltas = (from: string, sign: '+' | '-'): string => `SELECT target, population, ${sign}(r.hi - r.lo + 1) AS n, ${sign}r.digest AS d FROM ${from} r`;
      // Truncating either table recounts the summary from both (it used to empty it).
      const rebuild = `DELETE FROM bulk_sync_summary;
        ${apply(`SELECT target, population, 1 AS n, ${syncSummaryItem('r')} AS d FROM bulk_sync_state r UNION ALL ${deltas('bulk_sync_ranges', '+')}`)}`;
      await sql
        .raw(
          `CREATE OR REPLACE FUNCTION bulk_sync_summarize_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
             IF coalesce(current_setting('bulk_users.sync_summary', true), '') <> 'off' THEN ${rebuild}; END IF;
             RETURN NULL;
           END $$`,
        )
        .execute(db);
      const events = [
        { event: 'insert', referencing: 'REFERENCING NEW TABLE AS added', body: apply(deltas('added', '+')) },
        { event: 'delete', referencing: 'REFERENCING OLD TABLE AS removed', body: apply(deltas('removed', '-')) },
        { event: 'update', referencing: 'REFERENCING OLD TABLE AS removed NEW TABLE AS added', body: apply(`${deltas('added', '+')} UNION ALL ${deltas('removed', '-')}`) },
      ];
      for (const { event, referencing, body } of events) {
        await sql
          .raw(
            `CREATE OR REPLACE FUNCTION bulk_sync_ranges_summarize_${event}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
               IF coalesce(current_setting('bulk_users.sync_summary', true), '') <> 'off' THEN ${body}; END IF;
               RETURN NULL;
             END $$`,
          )
          .execute(db);
        await sql.raw(`DROP TRIGGER IF EXISTS bulk_sync_ranges_summarize_${event} ON bulk_sync_ranges`).execute(db);
        await sql
          .raw(
            `CREATE TRIGGER bulk_sync_ranges_summarize_${event} AFTER ${event.toUpperCase()} ON bulk_sync_ranges
             ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION bulk_sync_ranges_summarize_${event}()`,
          )
          .execute(db);
      }
      await sql.raw(`DROP TRIGGER IF EXISTS bulk_sync_ranges_summarize_truncate ON bulk_sync_ranges`).execute(db);
      await sql.raw(`CREATE TRIGGER bulk_sync_ranges_summarize_truncate AFTER TRUNCATE ON bulk_sync_ranges FOR EACH STATEMENT EXECUTE FUNCTION bulk_sync_summarize_truncate()`).execute(db);
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Brings the schema up to date; safe to call from every command and from parallel processes.
 * `upTo` stops after that migration (tests of an upgrade from an older schema).
 */
export async function migrateToLatest(db: Kysely<any>, upTo?: string): Promise<void> {
  // Every command opens the database through here: when every migration has run (the
  // usual case), one read of the migration table settles it, without the Migrator's
  // catalog introspection and lock table (a third of a no-op reconcile's database time).
  if (upTo === undefined && (await allApplied(db))) return;
  const migrator = new Migrator({ db, provider, migrationTableName: 'bulk_migrations', migrationLockTableName: 'bulk_migrations_lock' });
  const { error, results } = upTo ? await migrator.migrateTo(upTo) : await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function allApplied(db: Kysely<any>): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`SELECT name FROM bulk_migrations`.execute(db);
    const done = new Set(rows.map((r) => r.name));
    return Object.keys(migrations).every((m) => done.has(m));
  } catch {
    return false; // no migration table yet
  }
}

/** Names of the migrations this version has and the database has not run yet; reads only. */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'bulk_migrations', migrationLockTableName: 'bulk_migrations_lock' });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}
