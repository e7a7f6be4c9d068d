/**
 * The log file as the operator guide greps it, written by real processes:
 * `grep bulk_user_creation`, `grep sync`, `grep execution_time`, `grep memory` on
 * logs/bulk_user_management.log; LOG_LEVEL; size rotation; private file modes.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadServerSecretKey } from '../../src/crypto/serverSecretKey.ts';
import { createLogger, LOG_FILE_NAME } from '../../src/log/logger.ts';
import { cli, populationYaml, spawnCli, specDir, type SpawnedCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { until } from '../support/until.ts';

let db: TestDatabase;
const tempDirs: string[] = [];
const children: SpawnedCli[] = [];
const PASSWORD = 'pw-for-log-tests';

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(async () => {
  // Each test's desired state stands alone; another test's users would be mass deletions.
  await db.query('TRUNCATE users, bulk_populations, bulk_api_populations, bulk_reconcile_runs, bulk_population_status, bulk_audit RESTART IDENTITY CASCADE');
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

const RANK: Record<string, number> = { TRACE: 10, DEBUG: 20, INFO: 30, WARN: 40, ERROR: 50, FATAL: 60 };

interface LogLine {
  level: string;
  msg: string;
  operation?: string;
  execution_time?: number;
  memory?: { rss_bytes: number; limit_bytes: number };
  [k: string]: unknown;
}

/** `grep word file`, then each line parsed: every line of the file is one JSON record. */
function grep(file: string, word: string): LogLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes(word))
    .map((l) => JSON.parse(l) as LogLine);
}

async function reconcileProcess(env: NodeJS.ProcessEnv, count = 30): Promise<string> {
  const logDir = path.join(tempDir('bu-logs-'), 'logs');
  const specs = specDir();
  tempDirs.push(specs.dir);
  specs.write('p.yaml', populationYaml(`logs${Object.keys(env).length}${count}`, { count }));
  const run = spawnCli(['reconcile', '--specs', specs.dir, '--yes'], { env: { DATABASE_URL: db.url, BU_TEST_PASSWORD: PASSWORD, BULK_USERS_LOG_DIR: logDir, ...env } });
  children.push(run);
  const r = await run.exited;
  expect(r.code, r.stderr).toBe(0);
  return path.join(logDir, LOG_FILE_NAME);
}

describe('a CLI reconcile (a real process)', () => {
  it('a run whose sync target fails leaves ERROR lines that name the target, for `grep ERROR`', async () => {
    const logDir = path.join(tempDir('bu-logs-'), 'logs');
    const specs = specDir();
    tempDirs.push(specs.dir);
    // A Load Tester nobody listens on (port 1 on loopback), not optional: the run fails it.
    specs.write('p.yaml', populationYaml('logsfail', { count: 3, syncTargets: ['down'] }));
    specs.write('t.yaml', 'apiVersion: bulk-users/v1\nkind: SyncTarget\nmetadata: { name: down }\nspec: { type: loadtester, url: "http://127.0.0.1:1", timeoutSeconds: 2, retry: { attempts: 1, delaySeconds: 0 } }\n');
    const run = spawnCli(['reconcile', '--specs', specs.dir, '--yes'], { env: { DATABASE_URL: db.url, BU_TEST_PASSWORD: PASSWORD, BULK_USERS_LOG_DIR: logDir, LOADTESTER_TOKEN: 'logs-test-token-0123456789' } });
    children.push(run);
    expect((await run.exited).code).toBe(1);
    const errors = grep(path.join(logDir, LOG_FILE_NAME), 'ERROR');
    expect(errors.map((l) => l.msg)).toEqual(expect.arrayContaining(['target sync failed', 'reconcile applied, but a sync target failed']));
    expect(errors.find((l) => l.msg === 'target sync failed')).toMatchObject({ level: 'ERROR', target: 'down', operation: 'reconcile' });
  });

  it('logs every line with operation=reconcile, the completion with execution_time, in a private file', async () => {
    const file = await reconcileProcess({});
    const lines = grep(file, 'reconcile');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.operation).toBe('reconcile');
    const done = grep(file, 'execution_time').find((l) => l.msg === 'reconcile applied');
    expect(done?.execution_time).toEqual(expect.any(Number));
    expect(done!.execution_time).toBeGreaterThanOrEqual(0);
    // Info by default: no debug lines.
    expect(grep(file, '"level"').every((l) => RANK[l.level]! >= RANK.INFO!)).toBe(true);
    if (process.platform !== 'win32') {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    }
  });

  it('LOG_LEVEL=warn keeps only warnings; a run above the memory threshold logs a memory warning', async () => {
    // 1 MiB: any process is above 80% of it, so the warning must come.
    const file = await reconcileProcess({ LOG_LEVEL: 'WARN', BULK_USERS_MEMORY_LIMIT: '1M' });
    const all = grep(file, '"level"');
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((l) => RANK[l.level]! >= RANK.WARN!)).toBe(true);
    const memory = grep(file, 'memory');
    expect(memory.length).toBeGreaterThanOrEqual(1);
    expect(memory[0]).toMatchObject({ level: 'WARN', operation: 'reconcile', memory: { limit_bytes: 1024 * 1024 } });
    expect(memory[0]!.memory!.rss_bytes).toBeGreaterThan(1024 * 1024);
  });

})

describe('the log file', () => {
  it('tightens an existing world-readable log directory and file it owns', () => {
    if (process.platform === 'win32' || process.getuid?.() === undefined) return;
    const dir = path.join(tempDir('bu-logs-open-'), 'logs');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const file = path.join(dir, LOG_FILE_NAME);
    writeFileSync(file, '', { mode: 0o644 });
    chmodSync(file, 0o644);
    createLogger({ file, env: {} });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('never changes a shared directory it is pointed at (other files in it)', () => {
    if (process.platform === 'win32') return;
    const dir = tempDir('bu-logs-shared-');
    chmodSync(dir, 0o755);
    writeFileSync(path.join(dir, 'someone-else.txt'), '');
    const file = path.join(dir, LOG_FILE_NAME);
    createLogger({ file, env: {} });
    expect(statSync(dir).mode & 0o777).toBe(0o755);
  });
});

describe('rotation', () => {
  it('rotates by size and keeps a bounded number of files (BULK_USERS_LOG_MAX_SIZE, BULK_USERS_LOG_FILES)', async () => {
    const dir = tempDir('bu-rotate-');
    const file = path.join(dir, LOG_FILE_NAME);
    const logger = createLogger({ file, env: { BULK_USERS_LOG_MAX_SIZE: '1K', BULK_USERS_LOG_FILES: '2' } });
    const lines = 300;
    for (let i = 0; i < lines; i++) logger.info({ operation: 'reconcile', i, pad: 'x'.repeat(40) }, 'rotation line');
    // Settled once the last line is written and the rotations it caused are done: the live
    // file and exactly two rotated ones, though some 40 rotations happened.
    const expected = [LOG_FILE_NAME, `${LOG_FILE_NAME}.1`, `${LOG_FILE_NAME}.2`];
    const names = await until('the last line, in three files', async () => {
      const now = readdirSync(dir).sort();
      // A file may be renamed between the listing and the read: then look again.
      const read = (n: string): string => {
        try {
          return readFileSync(path.join(dir, n), 'utf8');
        } catch {
          return '';
        }
      };
      const last = now.some((n) => read(n).includes(`"i":${lines - 1},`));
      return last && JSON.stringify(now) === JSON.stringify(expected) ? now : undefined;
    });
    expect(names).toEqual(expected);
    for (const n of names) {
      const text = readFileSync(path.join(dir, n), 'utf8');
      // Each file is whole JSON lines, each about the size limit at most.
      expect(statSync(path.join(dir, n)).size).toBeLessThan(2048);
      for (const l of text.split('\n').filter(Boolean)) expect(() => JSON.parse(l)).not.toThrow();
      if (process.platform !== 'win32') expect(statSync(path.join(dir, n)).mode & 0o777).toBe(0o600);
    }
  });
});

describe('key files', () => {
  it('refuses an encryption key file that other users can read, naming the fix', async () => {
    if (process.platform === 'win32') return;
    const dataDir = tempDir('bu-keys-');
    const key = path.join(dataDir, 'bulk-users.key');
    writeFileSync(key, `${Buffer.alloc(32, 3).toString('base64')}\n`);
    chmodSync(key, 0o644);
    await expect(loadServerSecretKey({ BULK_USERS_DATA_DIR: dataDir })).rejects.toThrow(`chmod 600 ${key}`);
    chmodSync(key, 0o600);
    await expect(loadServerSecretKey({ BULK_USERS_DATA_DIR: dataDir })).resolves.toHaveLength(32);
  });
});

describe('serve', () => {
  it('logs API creates under bulk_user_creation and requests at debug only (LOG_LEVEL=debug shows them)', async () => {
    const apiKey = (await cli(['api-key', 'create', '--name', 'logs-test'], { databaseUrl: db.url })).stdout.trim();
    expect(apiKey.length).toBeGreaterThan(10);
    const specs = tempDir('bu-serve-specs-');
    const start = (level: string | undefined) => {
      const logDir = path.join(tempDir('bu-serve-logs-'), 'logs');
      const env: NodeJS.ProcessEnv = { DATABASE_URL: db.url, BULK_USERS_LOG_DIR: logDir, BULK_USERS_SECRET_KEY: Buffer.alloc(32, 5).toString('base64'), BULK_USERS_DATA_DIR: tempDir('bu-serve-data-') };
      if (level) env.LOG_LEVEL = level;
      const p = spawnCli(['serve', '--port', '0', '--specs', specs], { env });
      children.push(p);
      return { p, file: path.join(logDir, LOG_FILE_NAME) };
    };
    const urlOf = (p: SpawnedCli) => until(`serve to listen (${p.stderr()})`, async () => /listening on (http:\/\/\S+)/.exec(p.stdout())?.[1], 60_000);

    const debug = start('debug');
    const url = await urlOf(debug.p);
    const res = await fetch(`${url}/api/bulk-users/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ count: 5, batch_id: 'logs-create', config: { username_pattern: 'logscreate_{id}', password: 'Log-Test-Passw0rd!' } }),
    });
    expect(res.status, await res.text()).toBe(201);
    debug.p.child.kill('SIGTERM');
    expect((await debug.p.exited).code).toBe(0);

    const creation = grep(debug.file, 'bulk_user_creation');
    expect(creation.length).toBeGreaterThan(1);
    expect(creation.every((l) => l.operation === 'bulk_user_creation')).toBe(true);
    const finished = creation.find((l) => l.msg === 'bulk user creation finished');
    expect(finished).toMatchObject({ batch: 'logs-create', created: 5, execution_time: expect.any(Number) });
    // The reconcile it ran is part of the creation, not a separate operation.
    expect(creation.some((l) => l.msg === 'reconcile applied')).toBe(true);
    expect(grep(debug.file, 'reconcile applied').every((l) => l.operation === 'bulk_user_creation')).toBe(true);
    const requests = grep(debug.file, 'request completed');
    expect(requests.some((l) => l.url === '/api/bulk-users/create' && l.statusCode === 201)).toBe(true);
    expect(requests.every((l) => l.level === 'DEBUG')).toBe(true);
    expect(grep(debug.file, 'incoming request')).toEqual([]);
    // No secret in the log.
    expect(readFileSync(debug.file, 'utf8')).not.toContain('Log-Test-Passw0rd!');
    expect(readFileSync(debug.file, 'utf8')).not.toContain(apiKey);

    const quiet = start(undefined);
    const url2 = await urlOf(quiet.p);
    expect((await fetch(`${url2}/api/health`)).status).toBe(200);
    quiet.p.child.kill('SIGTERM');
    expect((await quiet.p.exited).code).toBe(0);
    expect(grep(quiet.file, 'request completed')).toEqual([]);
    expect(grep(quiet.file, 'incoming request')).toEqual([]);
  });
});
