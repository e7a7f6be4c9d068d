/**
 * examples/django and examples/rails-devise end to end: the application's table exactly as
 * its framework creates it (the committed DDL), some production users, the committed
 * specs, a reconcile. The test users land in the application's table, no production row
 * and no column of the table changed, and the next run is a no-op. The reconciler's own
 * tables live in a schema of their own (the database's search_path puts it first), as
 * the README advises when the application already has a table named `users`.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/db/openDatabase.ts';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import { loadSpecs } from '../../src/spec/loadSpecs.ts';
import { referenceVerdict } from '../support/referenceVerdict.ts';

const ENV = { LOADTEST_PASSWORD: 'example-pw-1234' };

interface Example {
  dir: string;
  table: string;
  ddl: string;
  /** Production users; the second one holds a username the population wants. */
  seed: string;
  /** The test users as (username, marker, hash) rows. */
  testRows: string;
  takenUsername: string;
  /** The hash format the example's ReconcilerConfig names, as referenceVerify.py calls it. */
  hashFormat: string;
}

const EXAMPLES: Example[] = [
  {
    dir: 'examples/django',
    table: 'public.auth_user',
    ddl: readFileSync('examples/django/auth_user.sql', 'utf8'),
    seed: `INSERT INTO public.auth_user (password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) VALUES
      ('pbkdf2_sha256$260000$abc$def=', '2024-01-02T03:04:05Z', true, 'admin', 'Ada', 'Admin', 'admin@shop.example', true, true, '2020-01-01T00:00:00Z'),
      ('pbkdf2_sha256$260000$ghi$jkl=', NULL, false, 'lt_user_3', 'Lee', 'Taken', 'lee@shop.example', false, true, '2021-05-06T07:08:09Z')`,
    testRows: `SELECT username, last_name = 'bulk-users test user' AS marked, password AS hash, email, is_active, is_staff, is_superuser, first_name FROM public.auth_user`,
    takenUsername: 'lt_user_3',
    hashFormat: 'django-pbkdf2-sha256',
  },
  {
    dir: 'examples/rails-devise',
    table: 'public.users',
    ddl: readFileSync('examples/rails-devise/users.sql', 'utf8'),
    seed: `INSERT INTO public.users (email, encrypted_password, created_at, updated_at) VALUES
      ('owner@shop.example', '$2a$12$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01', '2020-01-01', '2020-01-01'),
      ('lt_user_3@loadtest.example.com', '$2a$12$0123456789abcdefghijkuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01', '2021-01-01', '2021-01-01')`,
    testRows: `SELECT email AS username, load_test_user AS marked, encrypted_password AS hash, email, created_at IS NOT NULL AS stamped FROM public.users`,
    takenUsername: 'lt_user_3@loadtest.example.com',
    hashFormat: 'bcrypt',
  },
];

describe.each(EXAMPLES)('$dir', (ex) => {
  it('reconciles into the application table as its framework made it, with hashes its login accepts, leaving production rows and the table as they were', async (ctx) => {
    const admin = inject('adminDatabaseUrl');
    const name = `bu_example_${randomBytes(5).toString('hex')}`;
    const adminClient = new pg.Client({ connectionString: admin });
    await adminClient.connect();
    await adminClient.query(`CREATE DATABASE ${name}`);
    const u = new URL(admin);
    u.pathname = `/${name}`;
    const app = new pg.Client({ connectionString: u.toString() });
    await app.connect();
    let database: Awaited<ReturnType<typeof openDatabase>> | undefined;
    try {
      await app.query(`CREATE SCHEMA bulk_users`);
      await app.query(`ALTER DATABASE ${name} SET search_path = bulk_users, public`);
      await app.query(ex.ddl);
      await app.query(ex.seed);
      const snapshot = async () => JSON.stringify((await app.query(`SELECT to_jsonb(t) AS row FROM ${ex.table} t ORDER BY id LIMIT 2`)).rows);
      const columns = async () =>
        JSON.stringify((await app.query(`SELECT column_name, data_type, column_default, is_nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`)).rows);
      const [productionBefore, columnsBefore] = [await snapshot(), await columns()];

      database = await openDatabase({ url: u.toString() });
      const { state } = loadSpecs(`${ex.dir}/specs`);
      const result = await reconcile(database, { state, dryRun: false, env: ENV });
      expect(result.outcome).toBe('applied');
      expect(result.plan.summary).toMatchObject({ create: 999, conflicts: 1 });
      expect(result.plan.populations[0]!.conflicts.sample[0]).toMatchObject({ username: ex.takenUsername, heldBy: 'production' });

      const rows = (await app.query(`${ex.testRows} WHERE id > 2 ORDER BY id`)).rows as { username: string; marked: boolean; hash: string; email: string }[];
      expect(rows).toHaveLength(999);
      expect(rows.every((r) => r.marked)).toBe(true);
      // Rows land in the order of the username index, not seq order: look the first member up.
      const first = rows.find((r) => r.username === ex.takenUsername.replace('3', '1'));
      expect(first).toBeDefined();
      expect(rows.map((r) => r.username)).not.toContain(ex.takenUsername);
      // One hash per population, written to the application's password column.
      expect(new Set(rows.map((r) => r.hash)).size).toBe(1);
      // The framework's own password check accepts it (Django's check_password, bcrypt.checkpw
      // as Devise uses it), and refuses a wrong password.
      const verdict = referenceVerdict(ex.hashFormat, first!.hash, [ENV.LOADTEST_PASSWORD, 'not-the-password']);
      if ('missing' in verdict) ctx.annotate(`reference check skipped: ${verdict.missing}`);
      else expect(verdict.results, verdict.by).toEqual([true, false]);
      expect(first).toMatchObject(
        ex.dir.endsWith('django')
          ? { email: 'lt_user_1@loadtest.example.com', is_active: true, is_staff: false, is_superuser: false, first_name: '' }
          : { email: 'lt_user_1@loadtest.example.com', stamped: true },
      );
      expect((await app.query(`SELECT count(*)::int AS n FROM bulk_users.bulk_user_ownership`)).rows).toEqual([{ n: 999 }]);
      // The reconciler's own tables stayed in their schema; the application's did not change.
      expect((await app.query(`SELECT count(*)::int AS n FROM bulk_users.users`)).rows).toEqual([{ n: 0 }]);
      expect(await snapshot()).toBe(productionBefore);
      expect(await columns()).toBe(columnsBefore);

      const again = await reconcile(database, { state, dryRun: false, env: ENV });
      expect(again.outcome).toBe('no-changes');
    } finally {
      await database?.close();
      await app.end();
      await adminClient.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await adminClient.end();
    }
  });
});
