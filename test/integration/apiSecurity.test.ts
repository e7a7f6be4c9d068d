import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAnyFormat } from '../../src/crypto/passwordHash.ts';
import { insertApiPopulation } from '../../src/db/apiPopulations.ts';
import { createApiKey } from '../../src/server/auth/createApiKey.ts';
import { startServer, type RunningServer } from '../../src/server/startServer.ts';
import { cli, spawnCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

// Holes around the API's authentication (issue 17, items 2, 3, 5 and 8), each over a real socket.

const LOADTEST_PW = 'Loadtest-Env-Password-3';
const INLINE_TEMPLATE_PW = 'Inline-Template-Secret-7';
const API_PW = 'Api-Request-Password-5';

let tdb: TestDatabase;
let specsDir: string;
let outDir: string;
let csvFile: string;
let env: NodeJS.ProcessEnv;
let server: RunningServer;
let key: Record<string, string>;

async function api(method: string, route: string, opts: { body?: unknown; headers?: Record<string, string>; on?: string } = {}) {
  const res = await fetch(`${opts.on ?? server.url}${route}`, {
    method,
    headers: { ...(opts.headers ?? key), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return (await tdb.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) x`, params))[0]!.n;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  specsDir = mkdtempSync(path.join(tmpdir(), 'bu-sec-specs-'));
  outDir = mkdtempSync(path.join(tmpdir(), 'bu-sec-out-'));
  csvFile = path.join(outDir, 'users.csv');
  mkdirSync(path.join(specsDir, 'templates'));
  writeFileSync(path.join(specsDir, 'target.yaml'), ['apiVersion: bulk-users/v1', 'kind: SyncTarget', 'metadata: { name: csv-out }', 'spec: { type: file, path: users.csv, format: csv }', '---', 'apiVersion: bulk-users/v1', 'kind: ReconcilerConfig', 'metadata: { name: settings }', `spec: { fileTargetDir: "${outDir}" }`, ''].join('\n'));
  writeFileSync(
    path.join(specsDir, 'templates', 'templates.yaml'),
    [
      'apiVersion: bulk-users/v1',
      'kind: PopulationTemplate',
      'metadata: { name: env-leak }',
      'spec: { count: 2, password: { fromEnv: DATABASE_URL } }',
      '---',
      'apiVersion: bulk-users/v1',
      'kind: PopulationTemplate',
      'metadata: { name: inline-pw }',
      `spec: { count: 2, password: { value: "${INLINE_TEMPLATE_PW}" } }`,
      '',
    ].join('\n'),
  );
  // DATABASE_URL is the server's own: the secret a key holder must never get synced and exported.
  env = { DATABASE_URL: tdb.url, BULK_USERS_SECRET_KEY: randomBytes(32).toString('base64'), BULK_USERS_DATA_DIR: outDir, BULK_USERS_LOG_DIR: outDir, LOADTEST_PW };
  server = await startServer({ port: 0, specsDir, env, logger: false });
  key = { 'x-api-key': (await createApiKey(tdb.database.db, 'ci')).token };
});

afterAll(async () => {
  await server?.close();
  await tdb?.drop();
});

/** Nothing anywhere holds the server's DATABASE_URL: not the export, not the sync target's file. */
async function expectNoLeak(): Promise<void> {
  for (const format of ['json', 'csv']) {
    const exp = await api('GET', `/api/bulk-users/export?format=${format}`);
    expect(exp.status).toBe(200);
    expect(exp.text).not.toContain(tdb.url);
  }
  if (existsSync(csvFile)) expect(readFileSync(csvFile, 'utf8')).not.toContain(tdb.url);
  expect(JSON.stringify(await tdb.query('SELECT * FROM bulk_sync_records'))).not.toContain(tdb.url);
}

describe('API-defined populations and templates read only allowed variables (the DATABASE_URL leak)', () => {
  it('saving a template that names DATABASE_URL or the encryption key is a located 400 naming the variable and the rule; nothing is saved', async () => {
    for (const variable of ['DATABASE_URL', 'BULK_USERS_SECRET_KEY', 'HOME']) {
      const res = await api('POST', '/api/bulk-users/config/templates', { body: { name: 'leak', spec: { count: 2, password: { fromEnv: variable } } } });
      expect(res.status, res.text).toBe(400);
      const problem = res.body.errors.find((e: { message: string }) => e.message.includes(variable));
      expect(problem, res.text).toBeDefined();
      expect(problem.message).toContain('BULK_USERS_API_ENV_PREFIX');
      expect(problem.message).toContain('LOADTEST_');
      expect(problem.line).toBeGreaterThan(1);
    }
    expect(await count(`SELECT 1 FROM bulk_templates WHERE name = 'leak'`)).toBe(0);
    const allowed = await api('POST', '/api/bulk-users/config/templates', { body: { name: 'lt-ok', spec: { count: 2, password: { fromEnv: 'LOADTEST_PW' } } } });
    expect(allowed.status, allowed.text).toBe(201);
  });

  it('a create from a template naming DATABASE_URL (built in, or saved before the rule) is a 400; nothing is stored, synced or exported', async () => {
    await tdb.query(`INSERT INTO bulk_templates (name, spec) VALUES ('old-leak', $1)`, [JSON.stringify({ count: 2, password: { fromEnv: 'DATABASE_URL' } })]);
    for (const [template, batch] of [
      ['env-leak', 'leak-builtin'],
      ['old-leak', 'leak-saved'],
    ] as const) {
      const res = await api('POST', '/api/bulk-users/create', { body: { count: 2, batch_id: batch, config: { template, username_pattern: `${batch}_{id}`, sync_targets: ['csv-out'] } } });
      expect(res.status, res.text).toBe(400);
      expect(res.body.message).toContain('DATABASE_URL');
      expect(await count(`SELECT 1 FROM bulk_api_populations WHERE name = $1`, [batch])).toBe(0);
      expect(await count(`SELECT 1 FROM users WHERE population = $1`, [batch])).toBe(0);
    }
    // config/validate answers the same, without storing anything.
    const validated = await api('POST', '/api/bulk-users/config/validate', { body: { count: 2, config: { template: 'old-leak', username_pattern: 'v_{id}' } } });
    expect(validated.body.is_valid).toBe(false);
    expect(JSON.stringify(validated.body.errors)).toContain('DATABASE_URL');
    await expectNoLeak();

    // An allowed variable works, through the same path.
    const ok = await api('POST', '/api/bulk-users/create', { body: { count: 2, batch_id: 'lt-batch', config: { template: 'lt-ok', username_pattern: 'ltb_{id}', sync_targets: ['csv-out'] } } });
    expect(ok.status, ok.text).toBe(201);
    const [row] = await tdb.query(`SELECT password_hash FROM users WHERE username = 'ltb_1'`);
    expect(await verifyAnyFormat(row.password_hash, LOADTEST_PW)).toBe(true);
  });

  it('an API population stored before the rule is refused at reconcile time (API and CLI) with a clear error, never synced; cleanup removes it', async () => {
    await insertApiPopulation(tdb.database.db, {
      name: 'legacy-leak',
      spec: { count: 2, usernamePattern: 'legacy_{id}', password: { fromEnv: 'DATABASE_URL' }, syncTargets: ['csv-out'] },
      labels: {},
      passwordEnc: null,
      createdBy: 'before-the-rule',
    });
    const sync = await api('POST', '/api/bulk-users/sync', { body: { target: 'csv-out' } });
    expect(sync.status, sync.text).toBe(409);
    expect(sync.body.message).toContain('population "legacy-leak"');
    expect(sync.body.message).toContain('DATABASE_URL');
    expect(sync.body.message).toContain('lifecycle/cleanup');
    const plan = await cli(['plan', '--specs', specsDir], { databaseUrl: tdb.url, env });
    expect(plan.stdout).toContain('password.fromEnv names DATABASE_URL');
    expect(plan.stdout).not.toContain('DATABASE_URL is not set');
    const rec = await cli(['reconcile', '--specs', specsDir, '--yes'], { databaseUrl: tdb.url, env });
    expect(rec.code).toBe(1);
    expect(rec.stderr).toContain('may never read');
    expect(rec.stderr).not.toContain(tdb.url);
    expect(await count(`SELECT 1 FROM users WHERE population = 'legacy-leak'`)).toBe(0);
    await expectNoLeak();

    const cleaned = await api('POST', '/api/bulk-users/lifecycle/cleanup', { body: { batch_id: 'legacy-leak' } });
    expect(cleaned.status, cleaned.text).toBe(200);
    expect((await api('POST', '/api/bulk-users/sync', { body: { target: 'csv-out' } })).status).toBe(200);
    await expectNoLeak();
  });
});

describe('caps on creates', () => {
  it('a create of 100,000,000 users is a 422 naming the cap and its setting, and nothing is written', async () => {
    const tables = ['bulk_api_populations', 'bulk_populations', 'users', 'bulk_reconcile_runs', 'bulk_population_status'];
    const before = await Promise.all(tables.map((t) => count(`SELECT 1 FROM ${t}`)));
    const res = await api('POST', '/api/bulk-users/create', { body: { count: 100_000_000, batch_id: 'huge', config: { username_pattern: 'huge_{id}', password: API_PW } } });
    expect(res.status, res.text).toBe(422);
    expect(res.body).toMatchObject({ error: 'cap_exceeded', cap: 'BULK_USERS_API_MAX_COUNT', limit: 1_000_000, requested: 100_000_000 });
    expect(res.body.message).toContain('BULK_USERS_API_MAX_COUNT');
    expect(await Promise.all(tables.map((t) => count(`SELECT 1 FROM ${t}`)))).toEqual(before);
  });

  it('the total and per-key caps count what the API-defined populations declare', async () => {
    const total = (await tdb.query<{ total: number }>(`SELECT coalesce(sum((spec->>'count')::int), 0)::int AS total FROM bulk_api_populations`))[0]!.total;
    const capped = await startServer({ port: 0, specsDir, env: { ...env, BULK_USERS_API_MAX_TOTAL: String(total + 8), BULK_USERS_API_MAX_PER_KEY: '6' }, logger: false });
    try {
      const a = { 'x-api-key': (await createApiKey(tdb.database.db, 'cap-a')).token };
      const b = { 'x-api-key': (await createApiKey(tdb.database.db, 'cap-b')).token };
      const create = (headers: Record<string, string>, n: number, name: string) =>
        api('POST', '/api/bulk-users/create', { on: capped.url, headers, body: { count: n, batch_id: name, config: { username_pattern: `${name}_{id}`, password: API_PW } } });
      expect((await create(a, 4, 'cap-a1')).status).toBe(201);
      const perKey = await create(a, 3, 'cap-a2');
      expect(perKey.status, perKey.text).toBe(422);
      expect(perKey.body).toMatchObject({ cap: 'BULK_USERS_API_MAX_PER_KEY', limit: 6, requested: 3, current: 4 });
      expect((await create(b, 4, 'cap-b1')).status).toBe(201);
      const all = await create(b, 1, 'cap-b2');
      expect(all.status, all.text).toBe(422);
      expect(all.body).toMatchObject({ cap: 'BULK_USERS_API_MAX_TOTAL', limit: total + 8, current: total + 8 });
      expect(await count(`SELECT 1 FROM bulk_api_populations WHERE name IN ('cap-a2', 'cap-b2')`)).toBe(0);
    } finally {
      await capped.close();
    }
  });

  it('a cap setting that is not a positive integer stops the start, naming it', async () => {
    await expect(startServer({ port: 0, specsDir, env: { ...env, BULK_USERS_API_MAX_COUNT: 'lots' }, logger: false })).rejects.toThrow(/BULK_USERS_API_MAX_COUNT must be an integer/);
  });
});

describe('GET /config/templates never shows a password value', () => {
  it('an inline password of a built-in template, or of one saved before saving them was refused, is [redacted]', async () => {
    await tdb.query(`INSERT INTO bulk_templates (name, spec) VALUES ('old-inline', $1)`, [JSON.stringify({ count: 1, password: { value: 'Old-Saved-Secret-2' } })]);
    const res = await api('GET', '/api/bulk-users/config/templates');
    expect(res.status).toBe(200);
    const byName = new Map(res.body.templates.map((t: { name: string; spec: unknown }) => [t.name, t.spec]));
    expect(byName.get('inline-pw')).toMatchObject({ password: { value: '[redacted]' } });
    expect(byName.get('old-inline')).toMatchObject({ password: { value: '[redacted]' } });
    expect(byName.get('lt-ok')).toMatchObject({ password: { fromEnv: 'LOADTEST_PW' } });
    expect(res.text).not.toContain(INLINE_TEMPLATE_PW);
    expect(res.text).not.toContain('Old-Saved-Secret-2');
  });
});

describe('serve on loopback answers only requests addressed to a loopback name (DNS rebinding)', () => {
  it('refuses a foreign Host with 403 before authentication, and serves localhost, 127.0.0.1 and [::1]', async () => {
    const { port } = new URL(server.url);
    // node:http sends the Host header it is given, as a rebound page's browser would.
    const get = (host: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/api/bulk-users/batches', headers: { host, 'x-api-key': key['x-api-key'] } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        });
        req.on('error', reject);
      });
    for (const host of ['attacker.example', `attacker.example:${port}`, 'localhost.attacker.example', '127.0.0.1.nip.io']) {
      const res = await get(host);
      expect(res.status, host).toBe(403);
      expect(res.text, host).toContain('host_not_allowed');
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) expect((await get(host)).status, host).toBe(200);
  });
});

describe('DISABLE_AUTH is explicit and narrow (bulk-users serve, as a service manager runs it)', () => {
  async function serveCli(args: string[], extra: NodeJS.ProcessEnv) {
    const run = spawnCli(['serve', '--port', '0', '--specs', specsDir, ...args], { cwd: outDir, env: { ...env, ...extra } });
    const deadline = Date.now() + 45_000;
    let exited: { code: number | null } | undefined;
    void run.exited.then((e) => (exited = e));
    while (!/listening on (http:\/\/\S+) /.test(run.stdout()) && !exited) {
      if (Date.now() > deadline) {
        run.child.kill('SIGKILL');
        throw new Error(`serve neither started nor exited: ${run.stdout()} ${run.stderr()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return { run, url: /listening on (http:\/\/\S+) /.exec(run.stdout())?.[1] };
  }

  it('with DISABLE_AUTH=true and NODE_ENV=development on loopback: announced on stderr, health says so, routes are open', async () => {
    const { run, url } = await serveCli([], { DISABLE_AUTH: 'true', NODE_ENV: 'development' });
    try {
      expect(url).toBeDefined();
      expect(run.stderr()).toContain('DISABLE_AUTH=true');
      const health = await api('GET', '/api/health', { on: url!, headers: {} });
      expect(health.body).toMatchObject({ status: 'ok', auth: 'disabled' });
      expect((await api('GET', '/api/bulk-users/stats', { on: url!, headers: {} })).status).toBe(200);
    } finally {
      run.child.kill('SIGTERM');
      expect((await run.exited).code).toBe(0);
    }
  });

  it('refuses to start with NODE_ENV=production, or on a non-loopback address, saying what to change', async () => {
    for (const [args, extra, expected] of [
      [[], { DISABLE_AUTH: 'true', NODE_ENV: 'production' }, /honoured only with NODE_ENV=development or NODE_ENV=test \(NODE_ENV is "production"\)/],
      [['--host', '0.0.0.0'], { DISABLE_AUTH: 'true', NODE_ENV: 'development' }, /honoured only on a loopback address/],
    ] as const) {
      const { run, url } = await serveCli([...args], extra);
      if (url) run.child.kill('SIGKILL');
      expect(url, run.stdout()).toBeUndefined();
      const done = await run.exited;
      expect(done.code).toBe(1);
      expect(done.stderr).toMatch(expected);
    }
  });

  it('without it, health says auth is enabled and the routes need a credential', async () => {
    expect((await api('GET', '/api/health', { headers: {} })).body.auth).toBe('enabled');
    expect((await api('GET', '/api/bulk-users/stats', { headers: {} })).status).toBe(401);
  });
});
