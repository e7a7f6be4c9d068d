/**
 * The lifecycle and database commands through the real CLI (`bin/bulk-users.js` as a
 * child process, no TTY): identify, cleanup, adopt, reconcile --renew, db start|stop.
 * Exit codes, output, and the confirmation rule: a plan that deletes is refused without a
 * terminal unless --yes is given, and the refusal names --yes and writes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, populationYaml, spawnCli, specDir } from '../support/cli.ts';
import { createTestDatabase, productionSnapshot, seedProductionUsers, type TestDatabase } from '../support/testDatabase.ts';

let db: TestDatabase;
const tempDirs: string[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs, bulk_sync_state, bulk_sync_ranges, bulk_targets, bulk_audit RESTART IDENTITY');
  await seedProductionUsers(db, ['alice', 'bob', 'cl_2']);
});

async function bu(args: string[], env: NodeJS.ProcessEnv = {}) {
  const logDir = mkdtempSync(path.join(tmpdir(), 'bu-cli-logs-'));
  tempDirs.push(logDir);
  return spawnCli(args, { env: { DATABASE_URL: db.url, BU_TEST_PASSWORD: 'pw-for-tests', BULK_USERS_LOG_DIR: logDir, ...env } }).exited;
}

/** Set-up and follow-up steps run in-process (same program, no process start-up); the commands under test run as real processes. */
const setup = (args: string[]) => cli(args, { databaseUrl: db.url });

const count = async (where: string): Promise<number> => (await db.query(`SELECT count(*)::int AS n FROM users WHERE ${where}`))[0].n;

describe('identify', () => {
  it('classifies every row and names the cleanup candidates (text and json), exit 0, writing nothing', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('cl', { count: 5 }) + '---\n' + populationYaml('gone', { count: 3, deletionPolicy: 'Retain' }));
    expect((await setup(['reconcile', '--specs', specs.dir, '--yes'])).code).toBe(0);
    specs.write('a.yaml', populationYaml('cl', { count: 5 }));
    expect((await setup(['reconcile', '--specs', specs.dir, '--yes'])).code).toBe(0);
    await db.query(`INSERT INTO users (username, email, password_hash, is_test_user, is_admin) VALUES ('stray_1', 's@x', 'h', true, false)`);
    const before = await db.query(`SELECT to_jsonb(u)::text AS r, xmin::text AS v FROM users u ORDER BY id`);

    const json = await bu(['identify', '--specs', specs.dir, '--output', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { classes: { class: string; population: string | null; count: number }[]; candidates: { reason: string; population: string | null; count: number }[] };
    const of = (cls: string, pop: string | null) => report.classes.find((c) => c.class === cls && c.population === pop)?.count;
    // cl_2 is a production user's: the population holds the other four.
    expect(of('managed', 'cl')).toBe(4);
    expect(of('orphaned', 'gone')).toBe(3);
    expect(of('unmanaged-test', null)).toBe(1);
    expect(report.candidates).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'orphaned', population: 'gone', count: 3 })]));

    const text = await setup(['identify', '--specs', specs.dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/orphaned\s+gone\s+3/);
    expect(text.stdout).toContain('Cleanup candidates: ');
    expect(text.stdout).toContain('3 orphaned (gone)');
    expect(await db.query(`SELECT to_jsonb(u)::text AS r, xmin::text AS v FROM users u ORDER BY id`)).toEqual(before);
  }, 60_000);
});

describe('cleanup', () => {
  it('refuses without --yes (no terminal) naming --yes; with --yes deletes the orphans only; exit codes 1 and 0', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('cl', { count: 5 }) + '---\n' + populationYaml('old', { count: 4, deletionPolicy: 'Retain' }));
    expect((await setup(['reconcile', '--specs', specs.dir, '--yes'])).code).toBe(0);
    specs.write('a.yaml', populationYaml('cl', { count: 5 }));
    expect((await setup(['reconcile', '--specs', specs.dir, '--yes'])).code).toBe(0);
    const production = await productionSnapshot(db);

    const nothing = await setup(['cleanup', '--specs', specs.dir]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('say what to clean up');

    const refused = await bu(['cleanup', '--specs', specs.dir, '--orphans']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(await count(`population = 'old'`)).toBe(4);

    const done = await bu(['cleanup', '--specs', specs.dir, '--orphans', '--yes']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('Cleanup complete: 4 user(s) deleted.');
    expect(await count(`population = 'old'`)).toBe(0);
    expect(await count(`population = 'cl'`)).toBe(4);
    expect(await productionSnapshot(db)).toBe(production);

    const again = await setup(['cleanup', '--specs', specs.dir, '--orphans', '--yes', '--output', 'json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'nothing-to-do', deleted: 0 });
  }, 60_000);
});

describe('reconcile', () => {
  it('without --yes and no terminal, a plan that deletes is refused naming --yes and writes nothing', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('cl', { count: 8 }));
    // Creating needs no confirmation.
    expect((await setup(['reconcile', '--specs', specs.dir])).code).toBe(0);
    expect(await count(`population = 'cl'`)).toBe(7);
    specs.write('a.yaml', populationYaml('cl', { count: 6 }));
    const before = await db.query(`SELECT to_jsonb(u)::text AS r, xmin::text AS v FROM users u ORDER BY id`);
    const refused = await bu(['reconcile', '--specs', specs.dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('pass --yes');
    expect(await db.query(`SELECT to_jsonb(u)::text AS r, xmin::text AS v FROM users u ORDER BY id`)).toEqual(before);
    const applied = await setup(['reconcile', '--specs', specs.dir, '--yes', '--output', 'json']);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ outcome: 'applied', summary: { delete: 2 } });
  }, 60_000);

  it('--renew NAME brings an expired population back: its lease restarts and its users are recreated', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('rn', { count: 5, ttl: '1h' }));
    expect((await setup(['reconcile', '--specs', specs.dir, '--yes'])).code).toBe(0);
    // Two hours pass (the lease is moved back rather than the clock forward).
    await db.query(`UPDATE bulk_populations SET lease_started_at = lease_started_at - interval '2 hours' WHERE name = 'rn'`);
    const expired = await setup(['reconcile', '--specs', specs.dir, '--yes', '--output', 'json']);
    expect(expired.code, expired.stderr).toBe(0);
    expect(JSON.parse(expired.stdout)).toMatchObject({ outcome: 'applied', summary: { delete: 5 } });
    expect(await count(`population = 'rn'`)).toBe(0);
    // Without --renew it stays expired.
    expect(JSON.parse((await setup(['reconcile', '--specs', specs.dir, '--yes', '--output', 'json'])).stdout).outcome).toBe('no-changes');

    const unknown = await setup(['reconcile', '--specs', specs.dir, '--yes', '--renew', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nope');

    const renewed = await bu(['reconcile', '--specs', specs.dir, '--yes', '--renew', 'rn', '--output', 'json']);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(JSON.parse(renewed.stdout)).toMatchObject({ outcome: 'applied', summary: { create: 5 } });
    expect(await count(`population = 'rn'`)).toBe(5);
    const [lease] = await db.query(`SELECT lease_started_at > now() - interval '5 minutes' AS fresh, expires_at > now() AS live FROM bulk_populations WHERE name = 'rn'`);
    expect(lease).toEqual({ fresh: true, live: true });
  }, 60_000);
});

describe('adopt', () => {
  it('puts matching unmanaged test rows under the population; the next reconcile updates them in place, no duplicate', async () => {
    const specs = specDir();
    specs.write('a.yaml', populationYaml('ad', { count: 4 }));
    await db.query(
      `INSERT INTO users (username, email, password_hash, is_test_user, is_admin) VALUES ('ad_1', 'old1@x', 'h', true, false), ('ad_3', 'old3@x', 'h', true, false), ('other_1', 'o@x', 'h', true, false)`,
    );
    const ids = await db.query(`SELECT username, id::int AS id FROM users WHERE username LIKE 'ad_%' ORDER BY username`);

    const dry = await setup(['adopt', '--population', 'ad', '--specs', specs.dir, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('2 row(s) would be adopted by "ad"');
    expect(await count(`population = 'ad'`)).toBe(0);

    const adopted = await bu(['adopt', '--population', 'ad', '--specs', specs.dir]);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.stdout).toContain('2 row(s) adopted by "ad"');
    expect(await count(`population = 'ad'`)).toBe(2);

    const missing = await setup(['adopt', '--specs', specs.dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--population');

    expect((await setup(['reconcile', '--specs', specs.dir, '--yes'])).code).toBe(0);
    expect(await db.query(`SELECT username, id::int AS id FROM users WHERE username IN ('ad_1', 'ad_3') ORDER BY username`)).toEqual(ids);
    expect(await count(`population = 'ad'`)).toBe(4);
    expect(await count(`username = 'other_1' AND population IS NULL`)).toBe(1);
  }, 60_000);
});

describe('db start | stop', () => {
  it('starts an embedded PostgreSQL in its data dir (URL printed without the password), stops it, and says so when already stopped', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bu-cli-db-'));
    tempDirs.push(dataDir);
    const env = { DATABASE_URL: '', BULK_USERS_DATA_DIR: dataDir };
    try {
      const started = await bu(['db', 'start'], env);
      expect(started.code, started.stderr).toBe(0);
      expect(started.stdout).toMatch(/^postgres:\/\/postgres(:\*+)?@127\.0\.0\.1:\d+\/bulk_users\n$/);
      const again = await bu(['db', 'start'], env);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(started.stdout);
      const stopped = await bu(['db', 'stop'], env);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(stopped.stdout).toBe('embedded PostgreSQL stopped\n');
      const stoppedAgain = await bu(['db', 'stop'], env);
      expect(stoppedAgain.code).toBe(0);
      expect(stoppedAgain.stdout).toBe('embedded PostgreSQL was not running\n');
    } finally {
      await bu(['db', 'stop'], env);
    }
  }, 180_000);
});
