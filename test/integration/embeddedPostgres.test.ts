/**
 * Real-process tests for the shared embedded PostgreSQL server: real initdb,
 * real pg_ctl, real child node processes. Each scenario gets its own data dir
 * under one temp root, and every server started here is stopped in afterAll.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureEmbeddedPostgres,
  stopEmbeddedPostgres,
  type EmbeddedServer,
} from '../../src/db/embeddedPostgres.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODULE_URL = new URL('../../src/db/embeddedPostgres.ts', import.meta.url).href;
const isRoot = process.getuid?.() === 0;
const SLOW = 120_000;

let tempRoot = '';
const dataDirs: string[] = [];

function freshDataDir(name: string): string {
  const dir = path.join(tempRoot, name);
  dataDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  tempRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'bulk-users-embedded-test-'));
  // mkdtemp creates 0700; as root the server runs as the postgres user, which must traverse it.
  await fs.chmod(tempRoot, 0o755);
});

afterAll(async () => {
  for (const dir of dataDirs) await stopEmbeddedPostgres(dir).catch(() => undefined);
  if (tempRoot) await fs.rm(tempRoot, { recursive: true, force: true });
}, SLOW);

interface ChildResult {
  pid: number;
  code: number | null;
  server: EmbeddedServer;
}

/**
 * Calls ensureEmbeddedPostgres() in a separate node process. Resolving on
 * 'close' (all stdio pipes closed) also proves the daemonized server does not
 * keep the caller's stdout/stderr open, which would hang CI.
 */
function ensureInChild(dataDir: string): Promise<ChildResult> {
  const code = `
    const { ensureEmbeddedPostgres } = await import(${JSON.stringify(MODULE_URL)});
    const server = await ensureEmbeddedPostgres();
    console.log(JSON.stringify(server));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, BULK_USERS_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not close its stdio within 90s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 90_000);
    child.once('error', reject);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (exitCode !== 0) {
        reject(new Error(`child exited with ${exitCode}\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      resolve({ pid: child.pid ?? -1, code: exitCode, server: JSON.parse(last) as EmbeddedServer });
    });
  });
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function selectOne(url: string): Promise<number> {
  const rows = await query<{ one: number }>(url, 'select 1 as one');
  return rows[0]?.one ?? -1;
}

/** Postmasters serving this data dir, found via /proc (Linux; backends rewrite their cmdline). */
async function postmastersFor(dataDir: string): Promise<number[]> {
  const pgDir = path.join(dataDir, 'pg');
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    const d = args.indexOf('-D');
    if (d >= 0 && args[d + 1] === pgDir && path.basename(args[0] ?? '') === 'postgres') pids.push(Number(entry));
  }
  return pids;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('embedded PostgreSQL server', () => {
  let dirA = '';
  let serverA: EmbeddedServer | undefined;

  it(
    'initialises and starts a server that answers queries; a second ensure reuses the running server and returns the same port',
    async () => {
      dirA = freshDataDir('a');
      serverA = await ensureEmbeddedPostgres(dirA);
      expect(serverA.dataDir).toBe(dirA);
      expect(serverA.url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${serverA.port}/bulk_users$`));
      expect(await selectOne(serverA.url)).toBe(1);

      const credsMode = (await fs.stat(path.join(dirA, 'server.json'))).mode & 0o777;
      expect(credsMode).toBe(0o600);

      // Reuse, not a restart: the same postmaster (pid and start time) still serves the data dir.
      const startTime = async (): Promise<string> => (await query<{ t: string }>(serverA!.url, 'select pg_postmaster_start_time()::text as t'))[0]!.t;
      const before = { pids: await postmastersFor(dirA), started: await startTime() };
      expect(before.pids).toHaveLength(1);
      const again = await ensureEmbeddedPostgres(dirA);
      expect(again).toEqual(serverA);
      expect({ pids: await postmastersFor(dirA), started: await startTime() }).toEqual(before);
    },
    SLOW,
  );

  it(
    'keeps running after the process that started it has exited',
    async () => {
      const dir = freshDataDir('b');
      const child = await ensureInChild(dir);
      expect(child.code).toBe(0);
      expect(isAlive(child.pid)).toBe(false);
      expect(await selectOne(child.server.url)).toBe(1);
      expect(await postmastersFor(dir)).toHaveLength(1);
      // And this process reuses it rather than starting another.
      expect((await ensureEmbeddedPostgres(dir)).url).toBe(child.server.url);
    },
    SLOW,
  );

  it(
    'serialises concurrent first calls from separate processes onto one server',
    async () => {
      const dir = freshDataDir('c');
      const results = await Promise.all([ensureInChild(dir), ensureInChild(dir), ensureInChild(dir)]);
      const urls = new Set(results.map((r) => r.server.url));
      expect(urls.size).toBe(1);
      const [url] = [...urls];
      expect(await selectOne(url ?? '')).toBe(1);
      expect(await postmastersFor(dir)).toHaveLength(1);
      await expect(fs.access(path.join(dir, '.lock'))).rejects.toThrow();
    },
    SLOW,
  );

  it(
    'stops the server and restarts it later with the data intact',
    async () => {
      if (!serverA) throw new Error('depends on the first test');
      await query(serverA.url, 'create table survivors (name text); insert into survivors values (\'alice\')');

      expect(await stopEmbeddedPostgres(dirA)).toBe(true);
      expect(await stopEmbeddedPostgres(dirA)).toBe(false);
      await expect(selectOne(serverA.url)).rejects.toThrow();
      expect(await postmastersFor(dirA)).toHaveLength(0);

      const restarted = await ensureEmbeddedPostgres(dirA);
      expect(restarted.port).toBe(serverA.port);
      expect(await query(restarted.url, 'select name from survivors')).toEqual([{ name: 'alice' }]);
    },
    SLOW,
  );

  it(
    'moves to a new port when the saved one was taken while the server was down',
    async () => {
      if (!serverA) throw new Error('depends on the first test');
      expect(await stopEmbeddedPostgres(dirA)).toBe(true);

      // Accepts and never answers, like an unrelated service: exercises the ping timeout.
      const sockets = new Set<net.Socket>();
      const squatter = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        squatter.once('error', reject);
        squatter.listen(serverA?.port, '127.0.0.1', resolve);
      });
      try {
        const moved = await ensureEmbeddedPostgres(dirA);
        expect(moved.port).not.toBe(serverA.port);
        expect(await query(moved.url, 'select name from survivors')).toEqual([{ name: 'alice' }]);
        const saved = JSON.parse(await fs.readFile(path.join(dirA, 'server.json'), 'utf8')) as { port: number };
        expect(saved.port).toBe(moved.port);
      } finally {
        // close() waits for open connections, and unread sockets never notice the client hung up.
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => squatter.close(resolve));
      }
    },
    SLOW,
  );

  it('reports false when stopping a data dir that was never initialised', async () => {
    expect(await stopEmbeddedPostgres(path.join(tempRoot, 'never-created'))).toBe(false);
  });

  it.skipIf(!isRoot)(
    'as root, moves the cluster where the postgres user can reach it when the data dir is private',
    async () => {
      const hidden = path.join(tempRoot, 'private');
      await fs.mkdir(hidden, { mode: 0o700 });
      const dataDir = path.join(hidden, 'data');
      const server = await ensureEmbeddedPostgres(dataDir);
      try {
        const home = (await fs.readFile(path.join(dataDir, 'pg-location'), 'utf8')).trim();
        expect(home).toMatch(/^\/var\/lib\/bulk-users\/[0-9a-f]{16}$/);
        expect(await fs.readFile(path.join(home, 'pg', 'PG_VERSION'), 'utf8')).toMatch(/^\d+/);
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
        await client.end();
        // The next call finds it through the note in the data dir.
        expect((await ensureEmbeddedPostgres(dataDir)).port).toBe(server.port);
      } finally {
        expect(await stopEmbeddedPostgres(dataDir)).toBe(true);
        const home = (await fs.readFile(path.join(dataDir, 'pg-location'), 'utf8')).trim();
        await fs.rm(home, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});
