/**
 * The service command the README and examples/systemd give (`node bin/bulk-users.js serve`
 * or `loadtester`, in the project directory) receives SIGTERM itself: it exits 0 and leaves
 * no process behind, not even one in its process group. (`npx bulk-users serve` does not:
 * npm exec exits 143 and leaves the server running, which is why the README avoids it.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { until } from '../support/until.ts';

let db: TestDatabase;
const tempDirs: string[] = [];
const started: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  for (const c of started.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) groupKill(c.pid!, 'SIGKILL');
  }
});

function groupKill(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'ESRCH') return false;
    throw err;
  }
}

/** The documented command, as systemd runs it: its own process group, stdout/stderr captured. */
function startService(args: string[], env: NodeJS.ProcessEnv) {
  const logDir = mkdtempSync(path.join(tmpdir(), 'bu-signal-logs-'));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bu-signal-data-'));
  tempDirs.push(logDir, dataDir);
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/bulk-users.js'), ...args], {
    cwd: PROJECT_ROOT,
    // Its own data directory: a key file or embedded server of the developer's stays out of it.
    env: { ...process.env, BULK_USERS_LOG_DIR: logDir, BULK_USERS_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, out: () => out, err: () => err, exited };
}

async function listeningUrl(p: ReturnType<typeof startService>): Promise<string> {
  return until(
    `the service to listen (stderr: ${p.err()})`,
    async () => {
      if (p.child.exitCode !== null) throw new Error(`exited ${p.child.exitCode}: ${p.err()}`);
      return /listening on (http:\/\/\S+)/.exec(p.out())?.[1];
    },
    60_000,
  );
}

describe.each([
  { service: 'serve', env: (url: string) => ({ DATABASE_URL: url, BULK_USERS_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }) },
  { service: 'loadtester', env: (url: string) => ({ LOADTESTER_DATABASE_URL: url, LOADTESTER_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') }) },
])('node bin/bulk-users.js $service', ({ service, env }) => {
  it('exits 0 on SIGTERM and leaves no process behind', async () => {
    const p = startService([service, '--port', '0', '--host', '127.0.0.1'], env(db.url));
    const url = await listeningUrl(p);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);

    p.child.kill('SIGTERM');
    const { code, signal } = await p.exited;
    expect({ code, signal, stderr: p.err() }).toMatchObject({ code: 0, signal: null });
    expect(p.out()).toMatch(/stopped/);
    // Nothing of its process group survives (no child it spawned, no orphan).
    await until('the process group to be gone', async () => !groupKill(p.child.pid!, 0), 10_000);
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
  });
});
