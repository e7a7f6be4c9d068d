import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerLoadTesterCommand } from '../../src/cli/loadTesterCommand.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { startLoadTester, type RunningLoadTester } from '../../src/loadtester/startLoadTester.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const WRITE = randomBytes(32).toString('base64url');
const READ = randomBytes(32).toString('base64url');

let tdb: TestDatabase;
let env: NodeJS.ProcessEnv;
let lt: RunningLoadTester;

const record = (i: number) => ({ username: `auth_${i}`, password: `secret-${i}`, email: null, population: 'auth', content_hash: `h${i}` });

function call(method: 'GET' | 'POST', route: string, opts: { token?: string; header?: 'bearer' | 'x-api-key'; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token !== undefined) {
    if (opts.header === 'x-api-key') headers['x-api-key'] = opts.token;
    else headers.authorization = `Bearer ${opts.token}`;
  }
  return fetch(`${lt.url}${route}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
}

/** A raw request with a chosen Host header (fetch sets its own). */
function withHost(url: string, host: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers: { host, authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  env = {
    LOADTESTER_DATABASE_URL: tdb.url,
    LOADTESTER_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOADTESTER_TOKEN: WRITE,
    LOADTESTER_READ_TOKEN: READ,
    BULK_USERS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bu-lt-auth-')),
  };
  lt = await startLoadTester({ port: 0, env, logger: false });
});

afterAll(async () => {
  await lt?.close();
  await tdb?.drop();
});

beforeEach(async () => {
  await tdb.query('TRUNCATE loadtester.credentials');
  const res = await call('POST', '/api/users/bulk-upsert', { token: WRITE, body: { users: [record(1), record(2)] } });
  expect(res.status).toBe(200);
});

describe('Load Tester authentication over a real socket', () => {
  it('refuses the export, listings, digests and writes without a token (401, JSON naming what to send)', async () => {
    for (const [method, route, body] of [
      ['GET', '/api/users/export?format=csv'],
      ['GET', '/api/users/export?format=k6-json'],
      ['GET', '/api/users/bucket?population=auth&buckets=1&bucket=0'],
      ['GET', '/api/users/digest'],
      ['POST', '/api/users/bulk-upsert', { users: [record(3)] }],
      ['POST', '/api/users/bulk-delete', { usernames: ['auth_1'] }],
    ] as const) {
      const res = await call(method, route, { ...(body ? { body } : {}) });
      expect(res.status, route).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const json = (await res.json()) as { error: string; message: string };
      expect(json.error).toBe('unauthorized');
      expect(json.message).toContain('Authorization: Bearer');
      expect(json.message).toContain('LOADTESTER_TOKEN');
      expect(JSON.stringify(json)).not.toContain('secret-');
    }
    // Nothing was written or deleted by the refused calls.
    expect(await tdb.query('SELECT username FROM loadtester.credentials ORDER BY username')).toEqual([{ username: 'auth_1' }, { username: 'auth_2' }]);
  });

  it('refuses a wrong token, whichever header carries it', async () => {
    for (const header of ['bearer', 'x-api-key'] as const) {
      const res = await call('GET', '/api/users/export?format=csv', { token: `${WRITE}x`, header });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { message: string }).message).toContain('not valid');
    }
    expect((await call('GET', '/api/users/export?format=csv', { token: '' })).status).toBe(401);
  });

  it('leaves health and the counts-only stats open, and stats carries nothing but counts', async () => {
    expect((await call('GET', '/api/health')).status).toBe(200);
    const stats = await call('GET', '/api/users/stats');
    expect(stats.status).toBe(200);
    expect(await stats.json()).toEqual({ total: 2, populations: { auth: 2 } });
  });

  it('the read-only token exports, lists and digests, but cannot write', async () => {
    const exported = await call('GET', '/api/users/export?format=artillery-csv', { token: READ });
    expect(exported.status).toBe(200);
    expect(await exported.text()).toBe('auth_1,secret-1\nauth_2,secret-2\n');
    expect((await call('GET', '/api/users/digest', { token: READ })).status).toBe(200);
    expect((await call('GET', '/api/users/bucket?population=auth&buckets=1&bucket=0', { token: READ, header: 'x-api-key' })).status).toBe(200);

    const up = await call('POST', '/api/users/bulk-upsert', { token: READ, body: { users: [record(3)] } });
    expect(up.status).toBe(403);
    expect(await up.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('read-only') });
    expect((await call('POST', '/api/users/bulk-delete', { token: READ, body: { usernames: ['auth_1'] } })).status).toBe(403);
    expect(await tdb.query('SELECT count(*)::int AS n FROM loadtester.credentials')).toEqual([{ n: 2 }]);
  });

  it('the write token writes and reads, through either header', async () => {
    expect((await call('POST', '/api/users/bulk-upsert', { token: WRITE, header: 'x-api-key', body: { users: [record(3)] } })).status).toBe(200);
    expect((await call('POST', '/api/users/bulk-delete', { token: WRITE, body: { usernames: ['auth_1'] } })).status).toBe(200);
    const exported = await call('GET', '/api/users/export?format=csv', { token: WRITE });
    expect(exported.status).toBe(200);
    expect(await exported.text()).toBe('username,password,email,population\nauth_2,secret-2,,auth\nauth_3,secret-3,,auth\n');
  });

  it('on a loopback bind, answers only requests addressed to a loopback name (DNS rebinding)', async () => {
    const port = new URL(lt.url).port;
    const url = `${lt.url}/api/users/export?format=csv`;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost']) {
      expect((await withHost(url, host, WRITE)).status, host).toBe(200);
    }
    for (const host of [`rebound.example:${port}`, 'attacker.test', `localhost.attacker.test:${port}`]) {
      const res = await withHost(url, host, WRITE);
      expect(res.status, host).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'host_not_allowed' });
      expect(res.body).not.toContain('secret-');
    }
    // Even the open routes: a rebinding page learns nothing.
    expect((await withHost(`${lt.url}/api/users/stats`, 'attacker.test', WRITE)).status).toBe(403);
  });
});

describe('starting the Load Tester', () => {
  async function freePort(): Promise<number> {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as net.AddressInfo;
    await new Promise((r) => srv.close(r));
    return port;
  }

  it('refuses a non-loopback address without LOADTESTER_TOKEN, before listening or touching its database', async () => {
    const port = await freePort();
    // A database that cannot be reached: the refusal must come first.
    const bare = { LOADTESTER_DATABASE_URL: 'postgres://x:y@127.0.0.1:1/none', BULK_USERS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bu-lt-bare-')) };
    for (const host of ['0.0.0.0', '::', '192.0.2.10']) {
      await expect(startLoadTester({ port, host, env: bare, logger: false })).rejects.toThrow(/refusing to listen on .* without LOADTESTER_TOKEN/);
    }
    // Nothing listens on the port.
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
  });

  it('refuses a read token equal to the write token, and a short one', async () => {
    const bare = { ...env, LOADTESTER_READ_TOKEN: WRITE };
    await expect(startLoadTester({ port: 0, env: bare, logger: false })).rejects.toThrow(/LOADTESTER_READ_TOKEN must differ/);
    await expect(startLoadTester({ port: 0, env: { ...env, LOADTESTER_TOKEN: 'short' }, logger: false })).rejects.toThrow(/LOADTESTER_TOKEN must be at least 16/);
  });

  it('without LOADTESTER_TOKEN, creates a 0600 token file once, says where it is, and never prints the token', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bu-lt-file-'));
    const cliEnv = { LOADTESTER_DATABASE_URL: tdb.url, LOADTESTER_ENCRYPTION_KEY: env.LOADTESTER_ENCRYPTION_KEY, BULK_USERS_DATA_DIR: dataDir, LOADTESTER_PORT: '0' };
    let out = '';
    const stop = new AbortController();
    const program = new Command('bulk-users').exitOverride();
    registerLoadTesterCommand(program, { stdout: (t) => (out += t), env: cliEnv, logger: silentLogger, stopSignal: stop.signal });
    const running = program.parseAsync(['loadtester'], { from: 'user' });
    try {
      for (let i = 0; i < 200 && !out.includes('Read-only token'); i++) await new Promise((r) => setTimeout(r, 50));
      const file = path.join(dataDir, 'loadtester.token');
      expect(out).toContain(`Write token: ${file}`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const token = readFileSync(file, 'utf8').trim();
      expect(token.length).toBeGreaterThanOrEqual(43);
      expect(out).not.toContain(token);
      const url = /listening on (\S+)/.exec(out)![1]!;
      const refused = await fetch(`${url}/api/users/export?format=csv`);
      expect(refused.status).toBe(401);
      await refused.text();
      const allowed = await fetch(`${url}/api/users/export?format=csv`, { headers: { authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      await allowed.text();
    } finally {
      stop.abort();
      await running;
    }
    // A restart keeps the same token.
    const again = await startLoadTester({ port: 0, env: cliEnv, logger: false });
    try {
      const token = readFileSync(path.join(dataDir, 'loadtester.token'), 'utf8').trim();
      const digest = await fetch(`${again.url}/api/users/digest`, { headers: { authorization: `Bearer ${token}` } });
      expect(digest.status).toBe(200);
      await digest.text();
    } finally {
      await again.close();
    }
  });
});
