import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, populationYaml, specDir } from '../support/cli.ts';
import { until } from '../support/until.ts';
import { createTestDatabase, productionSnapshot, seedProductionUsers, type TestDatabase } from '../support/testDatabase.ts';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import { loadSpecs } from '../../src/spec/loadSpecs.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs RESTART IDENTITY');
});

async function managed(population: string): Promise<{ username: string; seq: number; email: string; attributes: unknown; content_hash: string }[]> {
  return db.query('SELECT username, seq::int AS seq, email, attributes, content_hash FROM users WHERE population = $1 AND is_test_user ORDER BY seq', [population]);
}

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  return cli(args, { databaseUrl: db.url, env });
}

describe('reconcile against PostgreSQL', () => {
  it('creates a population, and a second run plans and writes nothing', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('alpha', { count: 25, usernamePattern: 'alpha_{id}@example.com', attributes: { role: 'customer' } }));

    const first = await run(['reconcile', '--specs', specs.dir, '--detailed-exitcode']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('+ population "alpha" will be created');
    expect(first.stdout).toContain('25 to create');
    const rows = await managed('alpha');
    expect(rows).toHaveLength(25);
    expect(rows[0]).toMatchObject({ username: 'alpha_1@example.com', seq: 1, email: 'alpha_1@example.com', attributes: { role: 'customer' } });
    expect(rows[24]!.username).toBe('alpha_25@example.com');

    const before = await db.query('SELECT id, updated_at, xmin::text FROM users ORDER BY id');
    const second = await run(['reconcile', '--specs', specs.dir, '--detailed-exitcode', '--output', 'json']);
    expect(second.code).toBe(0);
    const json = JSON.parse(second.stdout);
    expect(json.summary).toEqual({ create: 0, update: 0, delete: 0, syncUpsert: 0, syncDelete: 0, conflicts: 0 });
    expect(json.hasChanges).toBe(false);
    // xmin changes on any write to a row: nothing was touched.
    expect(await db.query('SELECT id, updated_at, xmin::text FROM users ORDER BY id')).toEqual(before);
  });

  it('scales up and down, creating and deleting exactly the difference', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('scale', { count: 100 }));
    expect((await run(['reconcile', '--specs', specs.dir])).code).toBe(0);
    const idsBefore = await db.query('SELECT id FROM users WHERE population = $1 ORDER BY seq', ['scale']);

    specs.write('a.yaml', populationYaml('scale', { count: 130 }));
    const up = await run(['plan', '--specs', specs.dir, '--output', 'json']);
    expect(JSON.parse(up.stdout).summary).toMatchObject({ create: 30, update: 0, delete: 0 });
    expect(JSON.parse(up.stdout).populations[0].create.ranges).toEqual([[101, 130]]);
    expect((await run(['reconcile', '--specs', specs.dir])).code).toBe(0);
    expect((await managed('scale')).map((r) => r.seq)).toEqual(Array.from({ length: 130 }, (_, i) => i + 1));
    // Existing members kept their rows.
    expect((await db.query('SELECT id FROM users WHERE population = $1 AND seq <= 100 ORDER BY seq', ['scale']))).toEqual(idsBefore);

    specs.write('a.yaml', populationYaml('scale', { count: 90 }));
    const down = await run(['reconcile', '--specs', specs.dir, '--yes', '--output', 'json']);
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout).summary).toMatchObject({ create: 0, update: 0, delete: 40 });
    expect((await managed('scale')).map((r) => r.seq)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
  });

  it('updates only the content that changed (attributes, email domain, password)', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('attrs', { count: 20, attributes: { tier: 'free' } }));
    await run(['reconcile', '--specs', specs.dir]);
    const hashBefore = (await db.query('SELECT password_hash FROM users WHERE population = $1 LIMIT 1', ['attrs']))[0].password_hash;

    specs.write('a.yaml', populationYaml('attrs', { count: 20, attributes: { tier: 'gold' }, emailDomain: 'perf.example' }));
    const res = await run(['reconcile', '--specs', specs.dir, '--output', 'json']);
    expect(JSON.parse(res.stdout).summary).toMatchObject({ create: 0, update: 20, delete: 0 });
    const rows = await managed('attrs');
    expect(rows.every((r) => (r.attributes as { tier: string }).tier === 'gold')).toBe(true);
    expect(rows[3]!.email).toBe('attrs_4@perf.example');
    // Same password: the stored hash is reused, not re-salted.
    expect((await db.query('SELECT DISTINCT password_hash FROM users WHERE population = $1', ['attrs'])).map((r) => r.password_hash)).toEqual([hashBefore]);

    specs.write('a.yaml', populationYaml('attrs', { count: 20, attributes: { tier: 'gold' }, emailDomain: 'perf.example', password: { fromEnv: 'ATTRS_PW' } }));
    const rotated = await run(['reconcile', '--specs', specs.dir, '--output', 'json'], { ATTRS_PW: 'a-new-secret' });
    expect(JSON.parse(rotated.stdout).summary.update).toBe(20);
    const hashes = await db.query('SELECT DISTINCT password_hash FROM users WHERE population = $1', ['attrs']);
    expect(hashes).toHaveLength(1);
    expect(hashes[0].password_hash).not.toBe(hashBefore);
    expect(hashes[0].password_hash).toMatch(/^scrypt\$/);
    // Same variable, same value: nothing to do.
    const again = await run(['reconcile', '--specs', specs.dir, '--detailed-exitcode'], { ATTRS_PW: 'a-new-secret' });
    expect(again.code).toBe(0);
  });

  it('replaces a population whose username pattern changed, and says so', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('pat', { count: 10, usernamePattern: 'old_{id}' }));
    await run(['reconcile', '--specs', specs.dir]);
    specs.write('a.yaml', populationYaml('pat', { count: 10, usernamePattern: 'new_{id}' }));
    const plan = await run(['plan', '--specs', specs.dir]);
    expect(plan.stdout).toContain('-/+ population "pat" will be replaced (usernamePattern "old_{id}" -> "new_{id}": replace)');
    const res = await run(['reconcile', '--specs', specs.dir, '--yes', '--allow-mass-delete', '--output', 'json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).summary).toMatchObject({ create: 10, delete: 10 });
    expect((await managed('pat')).map((r) => r.username)).toEqual(Array.from({ length: 10 }, (_, i) => `new_${i + 1}`));
  });

  it('deletes the users of a removed spec (Delete) and keeps them (Retain)', async () => {
    const specs = specDir();
    specs.write('keep.yaml', populationYaml('keep', { count: 30 }));
    specs.write('gone.yaml', populationYaml('gone', { count: 10 }));
    specs.write('retained.yaml', populationYaml('retained', { count: 5, deletionPolicy: 'Retain' }));
    await run(['reconcile', '--specs', specs.dir]);

    specs.remove('gone.yaml');
    specs.remove('retained.yaml');
    const plan = await run(['plan', '--specs', specs.dir]);
    expect(plan.stdout).toContain('- population "gone" will be deleted (spec removed)');
    expect(plan.stdout).toContain('population "retained" will be orphaned (users retained)');
    const res = await run(['reconcile', '--specs', specs.dir, '--yes', '--output', 'json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).summary.delete).toBe(10);
    expect(await managed('gone')).toHaveLength(0);
    expect(await managed('retained')).toHaveLength(5);
    expect(await managed('keep')).toHaveLength(30);
    const records = await db.query('SELECT name, phase FROM bulk_populations ORDER BY name');
    expect(records).toEqual([
      { name: 'keep', phase: 'Active' },
      { name: 'retained', phase: 'Orphaned' },
    ]);
    // Converged: nothing more to do.
    expect((await run(['reconcile', '--specs', specs.dir, '--detailed-exitcode'])).code).toBe(0);
  });

  it('leaves production users byte for byte, and reports a colliding username as a conflict', async () => {
    await seedProductionUsers(db, ['alice', 'bob', 'admin_root', 'prod_7', 'prod_12']);
    const snapshot = await productionSnapshot(db);
    const specs = specDir();
    specs.write('a.yaml', populationYaml('prod', { count: 15 }));

    const plan = await run(['plan', '--specs', specs.dir, '--output', 'json']);
    const json = JSON.parse(plan.stdout);
    expect(json.summary).toMatchObject({ create: 13, conflicts: 2 });
    expect(json.productionUsers).toBe(5);
    expect(json.populations[0].conflicts.sample).toEqual([
      { population: 'prod', seq: 7, username: 'prod_7', heldBy: 'production' },
      { population: 'prod', seq: 12, username: 'prod_12', heldBy: 'production' },
    ]);
    expect(json.populations[0].create.ranges).toEqual([[1, 6], [8, 11], [13, 15]]);

    const text = await run(['reconcile', '--specs', specs.dir]);
    expect(text.stdout).toContain('2 conflict(s), skipped: prod_7 (held by a production user), prod_12 (held by a production user)');
    expect(text.stdout).toContain('Production users untouched: 5.');
    expect(await managed('prod')).toHaveLength(13);
    expect(await productionSnapshot(db)).toBe(snapshot);

    // Conflicts stay reported but are not changes: the run is a no-op.
    const again = await run(['reconcile', '--specs', specs.dir, '--detailed-exitcode', '--output', 'json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).summary).toMatchObject({ create: 0, conflicts: 2 });

    // Removing the spec deletes the 13 test users and not one production row.
    specs.remove('a.yaml');
    expect((await run(['reconcile', '--specs', specs.dir, '--yes', '--allow-mass-delete'])).code).toBe(0);
    expect(await managed('prod')).toHaveLength(0);
    expect(await productionSnapshot(db)).toBe(snapshot);
  });

  it('refuses mass deletion unless --allow-mass-delete is given, and writes nothing when refusing', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('mass', { count: 40 }));
    await run(['reconcile', '--specs', specs.dir]);

    specs.write('a.yaml', populationYaml('mass', { count: 10 }));
    const refused = await run(['reconcile', '--specs', specs.dir, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to delete 30 of 40 managed test users (75.0% > maxDeletePercent 50%); pass --allow-mass-delete');
    expect(await managed('mass')).toHaveLength(40);

    specs.remove('a.yaml');
    const all = await run(['reconcile', '--specs', specs.dir, '--yes']);
    expect(all.code).toBe(1);
    expect(all.stderr).toContain('refusing to delete all 40 managed test user(s); pass --allow-mass-delete');
    expect(await managed('mass')).toHaveLength(40);

    const plan = await run(['plan', '--specs', specs.dir]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Apply would be refused');

    const allowed = await run(['reconcile', '--specs', specs.dir, '--yes', '--allow-mass-delete']);
    expect(allowed.code).toBe(0);
    expect(await managed('mass')).toHaveLength(0);
    const runs = await db.query('SELECT outcome FROM bulk_reconcile_runs ORDER BY id');
    expect(runs.map((r) => r.outcome)).toEqual(['succeeded', 'refused', 'refused', 'succeeded']);
  });

  it('refuses deletions without a terminal unless --yes is given', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('ask', { count: 10 }));
    await run(['reconcile', '--specs', specs.dir]);
    specs.write('a.yaml', populationYaml('ask', { count: 8 }));
    const res = await run(['reconcile', '--specs', specs.dir]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('the plan deletes 2 user(s) and there is no terminal to confirm; pass --yes to apply it');
    expect(await managed('ask')).toHaveLength(10);
    expect((await run(['reconcile', '--specs', specs.dir, '--yes'])).code).toBe(0);
    expect(await managed('ask')).toHaveLength(8);
  });

  it('fails at apply time, before writing anything, when a password variable is unset', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('envpw', { count: 5, password: { fromEnv: 'BU_TEST_UNSET_PASSWORD' } }));
    specs.write('b.yaml', populationYaml('other', { count: 5 }));
    const plan = await run(['plan', '--specs', specs.dir]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('password variable BU_TEST_UNSET_PASSWORD is not set: apply will fail');
    const res = await run(['reconcile', '--specs', specs.dir]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('population "envpw": password variable BU_TEST_UNSET_PASSWORD is not set');
    expect(res.stderr).toContain('nothing was written');
    expect(await db.query('SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }]);
    const ok = await run(['reconcile', '--specs', specs.dir], { BU_TEST_UNSET_PASSWORD: 'now-set' });
    expect(ok.code).toBe(0);
    expect(await managed('envpw')).toHaveLength(5);
  });
});

describe('a username taken between plan and apply', () => {
  // The batch fails whole by design before its fallback runs, and PostgreSQL logs the text
  // of a failing statement by default: that text must not hold the password hash.
  const serverLog = path.join(path.resolve(process.env.BULK_USERS_DATA_DIR ?? '.data'), 'postgres.log');
  const logged = existsSync(serverLog) && !process.env.TEST_DATABASE_URL;

  it('is skipped and counted, the rest of the batch is created (the INSERT falls back to INSERT … ON CONFLICT), and the password hash stays out of the server log', async () => {
    const { buildDesiredState } = await import('../../src/spec/loadSpecs.ts');
    const { resolveDesired } = await import('../../src/reconcile/resolveDesired.ts');
    const { observeState } = await import('../../src/reconcile/observeState.ts');
    const { planReconcile } = await import('../../src/plan/planReconcile.ts');
    const { applyPlan } = await import('../../src/apply/applyPlan.ts');
    const { silentLogger } = await import('../../src/log/logger.ts');
    const { EmbeddedUsersStore } = await import('../../src/db/userStore/EmbeddedUsersStore.ts');
    const store = new EmbeddedUsersStore();
    const built = buildDesiredState([{ file: 'late.yaml', text: populationYaml('late', { count: 10, password: { value: 'pw-late' } }) }]);
    const resolved = await resolveDesired(db.database.db, built.state.populations, {});
    const plan = planReconcile(resolved.populations, await observeState(db.database.db, store, resolved.populations));
    expect(plan.summary.create).toBe(10);
    // The application takes late_5 after the plan was made.
    await seedProductionUsers(db, ['late_5']);
    const snapshot = await productionSnapshot(db);
    const logFrom = logged ? statSync(serverLog).size : 0;
    const applied = await applyPlan(db.database.db, plan, { store, passwordHashes: resolved.passwordHashes, logger: silentLogger, copyPool: db.database.pool });
    expect(applied).toMatchObject({ created: 9, lateConflicts: 1 });
    const hash = resolved.passwordHashes.get('late')!;
    expect((await db.query(`SELECT DISTINCT password_hash FROM users WHERE population = 'late'`)).map((r) => r.password_hash)).toEqual([hash]);
    if (logged) {
      // Only with the embedded server of the test run, whose log is a file here.
      const text = await until('the failed batch in the server log', async () => {
        const t = readFileSync(serverLog, 'utf8').slice(logFrom);
        return t.includes('users_username_key') && t.includes('INSERT INTO users') ? t : undefined;
      });
      expect(text).not.toContain(hash);
    }
    expect((await managed('late')).map((r) => r.seq)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
    // The population record counts what was written (9), not what the plan meant to (10).
    expect(await db.query(`SELECT (status->>'actual')::int AS actual FROM bulk_populations WHERE name = 'late'`)).toEqual([{ actual: 9 }]);
    expect(await productionSnapshot(db)).toBe(snapshot);
  });
});

describe('write streams (ReconcilerConfig writeStreams)', () => {
  /** Creates 3,000 users in batches of 100 and returns the most pool connections held at once. */
  async function peakConnections(writeStreams: number | 'auto' | undefined): Promise<number> {
    await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs RESTART IDENTITY');
    const specs = specDir();
    specs.write('a.yaml', populationYaml('streams', { count: 3000, batchSize: 100 }));
    if (writeStreams !== undefined) specs.write('c.yaml', `apiVersion: bulk-users/v1\nkind: ReconcilerConfig\nmetadata: { name: c }\nspec: { writeStreams: ${writeStreams} }\n`);
    const pool = db.database.pool;
    const connect = pool.connect.bind(pool);
    let held = 0;
    let peak = 0;
    // Counts checkouts of the real pool; every statement still runs on PostgreSQL.
    (pool as { connect: unknown }).connect = async () => {
      const client = await connect();
      peak = Math.max(peak, ++held);
      const release = client.release.bind(client);
      client.release = (err?: Error | boolean) => {
        held--;
        client.release = release;
        return release(err);
      };
      return client;
    };
    try {
      const result = await reconcile(db.database, { state: loadSpecs(specs.dir).state, dryRun: false, env: { BU_TEST_PASSWORD: 'pw' }, planOptions: { maxDeletePercent: 50, allowMassDelete: false } });
      expect(result.applied?.created).toBe(3000);
      // The embedded database sorts usernames as bytes, so the batches went in username order.
      expect(result.applied?.writeStreams).toMatchObject({ setting: writeStreams ?? 'auto', order: 'username' });
    } finally {
      (pool as { connect: unknown }).connect = connect;
    }
    expect(await db.query('SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs, min(seq)::int AS lo, max(seq)::int AS hi FROM users')).toEqual([{ n: 3000, seqs: 3000, lo: 1, hi: 3000 }]);
    return peak;
  }

  it('writes one batch at a time with writeStreams 1, two with 2, three with 3; auto (the default) writes a create too small to measure on one', async () => {
    expect(await peakConnections(1)).toBe(1);
    expect(await peakConnections(2)).toBe(2);
    expect(await peakConnections(3)).toBe(3);
    expect(await peakConnections(undefined)).toBe(1);
    expect(await peakConnections('auto')).toBe(1);
  });

  it('rejects a writeStreams out of range, naming the file and the field', async () => {
    const specs = specDir();
    specs.write('c.yaml', 'apiVersion: bulk-users/v1\nkind: ReconcilerConfig\nmetadata: { name: c }\nspec: { writeStreams: 0 }\n');
    const r = await run(['validate', '--specs', specs.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/c\.yaml:4:\d+: .*writeStreams/);
  });
});
