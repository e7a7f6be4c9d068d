/**
 * `bulk-users doctor` through the real CLI process: healthy installation (real API, real
 * Load Tester, file target), a database that is down, targets and an API that do not
 * answer, and an embedded server that is stopped and must stay stopped.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedPostgresState, ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../../src/db/embeddedPostgres.ts';
import type { DoctorCheck } from '../../src/doctor/DoctorCheck.ts';
import { startLoadTester } from '../../src/loadtester/startLoadTester.ts';
import { startServer } from '../../src/server/startServer.ts';
import { populationYaml, spawnCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

let db: TestDatabase;
const tempDirs: string[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await db.drop();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

/** A port nothing listens on: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A project directory: specs/ with one population and the given targets, run from there. */
function project(targets: string[]): { dir: string; specs: string } {
  const dir = tempDir('bu-doctor-');
  const specs = path.join(dir, 'specs');
  mkdirSync(specs);
  const names = targets.map((t) => /name: ([\w-]+)/.exec(t)![1]!);
  writeFileSync(path.join(specs, 'p.yaml'), populationYaml('doctor', { count: 3, ...(names.length ? { syncTargets: names } : {}) }) + targets.map((t) => `---\n${t}\n`).join(''));
  return { dir, specs };
}

const loadTesterTarget = (name: string, url: string) => `apiVersion: bulk-users/v1\nkind: SyncTarget\nmetadata: { name: ${name} }\nspec: { type: loadtester, url: "${url}", timeoutSeconds: 2, retry: { attempts: 1, delaySeconds: 0 } }`;
const fileTarget = (name: string) => `apiVersion: bulk-users/v1\nkind: SyncTarget\nmetadata: { name: ${name} }\nspec: { type: file, path: out/users.csv, format: csv }`;

async function doctor(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  // The default API address is a closed port unless a test names one: whatever else runs
  // on this machine's :5000 must not decide the outcome.
  const isolated = { BULK_USERS_LOG_DIR: path.join(cwd, 'logs'), BULK_USERS_DATA_DIR: path.join(cwd, '.data'), BULK_USERS_PORT: String(await closedPort()) };
  const p = spawnCli(['doctor', '--output', 'json', ...args], { env: { ...isolated, ...env }, cwd });
  const r = await p.exited;
  let report: { ok: boolean; checks: DoctorCheck[] } | undefined;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`doctor printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  const check = (name: string) => report!.checks.find((c) => c.name === name) ?? expect.fail(`no check "${name}" in ${JSON.stringify(report!.checks)}`);
  return { code: r.code, stderr: r.stderr, report: report!, check };
}

describe('bulk-users doctor', () => {
  it('exits 0 with every check in JSON when the database, API and targets answer', async () => {
    const secretKey = Buffer.alloc(32, 4).toString('base64');
    const server = await startServer({ env: { DATABASE_URL: db.url, BULK_USERS_SECRET_KEY: secretKey }, port: 0, host: '127.0.0.1', specsDir: tempDir('bu-doctor-api-specs-'), logger: false });
    closers.push(() => server.close());
    const lt = await startLoadTester({ env: { LOADTESTER_DATABASE_URL: db.url, LOADTESTER_ENCRYPTION_KEY: Buffer.alloc(32, 6).toString('base64') }, port: 0, host: '127.0.0.1', logger: false });
    closers.push(() => lt.close());
    const { dir, specs } = project([loadTesterTarget('lt', lt.url), fileTarget('csv-out')]);

    const r = await doctor(['--specs', specs, '--api', server.url], { DATABASE_URL: db.url, BU_TEST_PASSWORD: 'pw' }, dir);
    expect(r.code, JSON.stringify(r.report.checks, null, 1)).toBe(0);
    expect(r.report.ok).toBe(true);
    expect(r.check('database')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/PostgreSQL \d+.* \d+ of \d+ connections in use/) });
    expect(r.check('database').detail).not.toContain(new URL(db.url).password || 'no-password');
    expect(r.check('migrations').status).toBe('ok');
    expect(r.check('specs').status).not.toBe('fail');
    expect(r.check('api')).toMatchObject({ status: 'ok' });
    expect(r.check('target lt')).toMatchObject({ status: 'ok' });
    // Resolved as the sync writes it: inside the file target directory (out/ beside specs/).
    expect(r.check('target csv-out')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`${path.join(dir, 'out', 'out', 'users.csv')}: `) });
    expect(r.check('target csv-out').detail).toContain('writable');
    for (const name of ['embedded server', 'leader', 'last run', 'disk (data)', 'disk (logs)', 'memory', 'log file', 'secret files']) expect(r.check(name)).toBeDefined();
    // Doctor only looks: no migration of another database, no data directory, no key file.
    expect(existsSync(path.join(dir, '.data'))).toBe(false);
  });

  it('exits 1 and says so when the database is down, without waiting long', async () => {
    const { dir, specs } = project([]);
    const started = Date.now();
    const r = await doctor(['--specs', specs], { DATABASE_URL: `postgres://u:hunter2@127.0.0.1:${await closedPort()}/x`, BU_TEST_PASSWORD: 'pw' }, dir);
    expect(r.code).toBe(1);
    expect(r.report.ok).toBe(false);
    expect(r.check('database')).toMatchObject({ status: 'fail', detail: expect.stringContaining('ECONNREFUSED') });
    expect(JSON.stringify(r.report)).not.toContain('hunter2');
    // A refused connection is known at once; the bound is generous (process start included).
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('fails a Load Tester target that does not answer and an --api that does not; a default API that is down is a warning', async () => {
    const down = await closedPort();
    const { dir, specs } = project([loadTesterTarget('lt-down', `http://127.0.0.1:${down}`)]);
    const env = { DATABASE_URL: db.url, BU_TEST_PASSWORD: 'pw', BULK_USERS_PORT: String(down) };

    const byDefault = await doctor(['--specs', specs], env, dir);
    expect(byDefault.check('api')).toMatchObject({ status: 'warn', detail: expect.stringContaining(`127.0.0.1:${down}`) });
    expect(byDefault.check('target lt-down')).toMatchObject({ status: 'fail', detail: expect.stringContaining('ECONNREFUSED') });
    expect(byDefault.code).toBe(1);

    const { dir: dir2, specs: specs2 } = project([]);
    const explicit = await doctor(['--specs', specs2, '--api', `http://127.0.0.1:${down}`], env, dir2);
    expect(explicit.check('api').status).toBe('fail');
    expect(explicit.code).toBe(1);
  });

  it('warns about an optional Load Tester target that is down, and finds a target by its urlFromEnv variable as a sync does', async () => {
    const down = await closedPort();
    const target = (name: string, spec: string) => `apiVersion: bulk-users/v1\nkind: SyncTarget\nmetadata: { name: ${name} }\nspec: { type: loadtester, ${spec}, timeoutSeconds: 2, retry: { attempts: 1, delaySeconds: 0 } }`;
    const { dir, specs } = project([
      target('lt-optional', `url: "http://127.0.0.1:${down}", optional: true`),
      target('lt-env', 'urlFromEnv: BU_TEST_LT_URL'),
    ]);
    const env = { DATABASE_URL: db.url, BU_TEST_PASSWORD: 'pw', BULK_USERS_PORT: String(down) };

    const unset = await doctor(['--specs', specs], env, dir);
    expect(unset.check('target lt-optional')).toMatchObject({ status: 'warn', detail: expect.stringContaining('optional, so runs skip it') });
    expect(unset.check('target lt-env')).toMatchObject({ status: 'fail', detail: expect.stringContaining('BU_TEST_LT_URL is not set') });
    expect(unset.code).toBe(1);

    const lt = await startLoadTester({ env: { LOADTESTER_DATABASE_URL: db.url, LOADTESTER_ENCRYPTION_KEY: Buffer.alloc(32, 6).toString('base64') }, port: 0, host: '127.0.0.1', logger: false });
    closers.push(() => lt.close());
    const set = await doctor(['--specs', specs], { ...env, BU_TEST_LT_URL: lt.url }, dir);
    expect(set.check('target lt-env')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`${lt.url}/api/health answered 200`) });
    expect(set.check('target lt-optional').status).toBe('warn');
  });

  it('never starts a stopped embedded server, nor creates one', async () => {
    const { dir, specs } = project([]);
    // A real embedded server in this project's data directory, stopped.
    const dataDir = path.join(dir, '.data');
    await ensureEmbeddedPostgres(dataDir);
    closers.push(async () => void (await stopEmbeddedPostgres(dataDir)));
    expect(await stopEmbeddedPostgres(dataDir)).toBe(true);
    // As root with a private temp dir, the cluster lives elsewhere (pg-location says where).
    const relocated = existsSync(path.join(dataDir, 'pg-location')) ? readFileSync(path.join(dataDir, 'pg-location'), 'utf8').trim() : undefined;
    if (relocated) tempDirs.push(relocated);
    const pidFile = path.join(relocated ?? dataDir, 'pg', 'postmaster.pid');

    const r = await doctor(['--specs', specs], { DATABASE_URL: '', BU_TEST_PASSWORD: 'pw' }, dir);
    expect(r.check('embedded server')).toMatchObject({ status: 'warn', detail: expect.stringContaining('stopped') });
    expect(r.check('database')).toMatchObject({ status: 'warn', detail: expect.stringContaining('never starts') });
    expect(r.code).toBe(0);
    expect((await embeddedPostgresState(dataDir)).running).toBe(false);
    expect(existsSync(pidFile)).toBe(false);

    // And in an empty data directory it creates nothing.
    const empty = project([]);
    mkdirSync(path.join(empty.dir, '.data'));
    const r2 = await doctor(['--specs', empty.specs], { DATABASE_URL: '', BU_TEST_PASSWORD: 'pw' }, empty.dir);
    expect(r2.check('embedded server')).toMatchObject({ status: 'warn', detail: expect.stringContaining('none') });
    expect(readdirSync(path.join(empty.dir, '.data'))).toEqual([]);
  });
});

describe('bulk-users db url', () => {
  it('prints the URL pg_dump and psql need, password included', async () => {
    const p = spawnCli(['db', 'url'], { env: { DATABASE_URL: db.url } });
    const r = await p.exited;
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(db.url);
  });
});
