import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAnyFormat } from '../../src/crypto/passwordHash.ts';
import { acquireAdvisoryLock } from '../../src/db/advisoryLock.ts';
import { revokeApiKey } from '../../src/db/apiKeys.ts';
import { insertSession } from '../../src/db/sessions.ts';
import { buildApp, type AppOptions } from '../../src/server/buildApp.ts';
import { createAdminUser } from '../../src/server/auth/createAdminUser.ts';
import { createApiKey } from '../../src/server/auth/createApiKey.ts';
import { generateCredential } from '../../src/server/auth/credentialToken.ts';
import { startServer } from '../../src/server/startServer.ts';
import { cli, spawnCli } from '../support/cli.ts';
import { createTestDatabase, seedProductionUsers, type TestDatabase } from '../support/testDatabase.ts';

const FILE_PW = 'file-population-pw-1';
const API_PW = 'Api-Created-Secret-9';
const ADMIN_PW = 'correct horse battery staple';

let tdb: TestDatabase;
let app: FastifyInstance;
let specsDir: string;
let outDir: string;
let env: NodeJS.ProcessEnv;
let secretKey: Buffer;
let logText = '';
const cred: Record<string, Record<string, string>> = {};

function appOptions(over: Partial<AppOptions> = {}): AppOptions {
  return { database: tdb.database, secretKey, specsDir, env, version: '9.9.9-test', logger: false, baseDir: outDir, loginProtection: { maxFailuresPerUsername: 10_000, maxFailuresPerAddress: 10_000, windowMs: 60_000 }, listenHost: '127.0.0.1', ...over };
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  specsDir = mkdtempSync(path.join(tmpdir(), 'bu-server-specs-'));
  outDir = mkdtempSync(path.join(tmpdir(), 'bu-server-out-'));
  mkdirSync(path.join(specsDir, 'templates'));
  writeFileSync(
    path.join(specsDir, 'file.yaml'),
    [
      'apiVersion: bulk-users/v1',
      'kind: TestUserPopulation',
      'metadata: { name: file-pop }',
      'spec:',
      '  count: 3',
      '  usernamePattern: "filepop_{id}"',
      '  password: { fromEnv: SRV_PW }',
      '  ttl: 7d',
      '  syncTargets: [csv-out]',
      '---',
      'apiVersion: bulk-users/v1',
      'kind: SyncTarget',
      'metadata: { name: csv-out }',
      `spec: { type: file, path: users.csv, format: csv }`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(specsDir, 'templates', 'tpl.yaml'),
    [
      'apiVersion: bulk-users/v1',
      'kind: PopulationTemplate',
      'metadata: { name: tpl-small, annotations: { description: three users } }',
      'spec: { count: 3, batchSize: 1000, ttl: 1d, attributes: { role: customer, tier: free } }',
      '',
    ].join('\n'),
  );
  env = { SRV_PW: FILE_PW, LOADTEST_MOBILE_PW: FILE_PW, BULK_USERS_DATA_DIR: outDir };
  secretKey = randomBytes(32);
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logText += String(chunk);
      cb();
    },
  });
  app = await buildApp(appOptions({ logger: pino({ level: 'debug' }, logStream) }));

  // The file population exists (its members log in as test users).
  const rec = await cli(['reconcile', '--specs', specsDir, '--yes'], { databaseUrl: tdb.url, env: { ...env } });
  expect(rec.code, rec.stderr).toBe(0);

  const { db } = tdb.database;
  await createAdminUser(db, { username: 'root-admin', password: ADMIN_PW });
  const ci = await createApiKey(db, 'ci');
  const old = await createApiKey(db, 'old');
  await revokeApiKey(db, 'old');
  const adminToken = (await login('root-admin', ADMIN_PW)).json().token as string;
  const userToken = (await login('filepop_1', FILE_PW)).json().token as string;
  const expired = generateCredential('bus');
  const admin = (await tdb.query<{ id: number; password_hash: string }>(`SELECT id, password_hash FROM users WHERE username = 'root-admin'`))[0]!;
  await insertSession(db, { id: expired.id, secretHash: expired.secretHash, userId: admin.id, expiresAt: new Date(Date.now() - 1000), passwordHash: admin.password_hash });

  cred.none = {};
  cred.wrongKey = { 'x-api-key': `buk_${'0'.repeat(16)}_${'A'.repeat(43)}` };
  cred.garbageKey = { 'x-api-key': 'not-a-key' };
  cred.revokedKey = { 'x-api-key': old.token };
  cred.expiredToken = { authorization: `Bearer ${expired.token}` };
  cred.nonAdmin = { authorization: `Bearer ${userToken}` };
  cred.admin = { authorization: `Bearer ${adminToken}` };
  cred.apiKey = { 'x-api-key': ci.token };

  // An API batch for the lifecycle routes of the auth matrix (cleanup dry runs).
  const made = await app.inject({ method: 'POST', url: '/api/bulk-users/create', headers: cred.apiKey, payload: createBody({ batch_id: 'lc-dry' }) });
  expect(made.statusCode, made.body).toBe(201);
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

function login(username: string, password: string, on: FastifyInstance = app) {
  return on.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
}

async function call(method: InjectOptions['method'], url: string, opts: { payload?: unknown; headers?: Record<string, string>; on?: FastifyInstance } = {}) {
  const res = await (opts.on ?? app).inject({ method, url, headers: opts.headers ?? cred.apiKey, ...(opts.payload !== undefined ? { payload: opts.payload as object } : {}) });
  let body: any;
  try {
    body = res.json();
  } catch {
    body = res.body;
  }
  return { status: res.statusCode, body, text: res.body, headers: res.headers };
}

let seq = 0;
/** A create body whose name and usernames are fresh. */
function createBody(over: Record<string, unknown> = {}, config: Record<string, unknown> = {}) {
  seq++;
  return { count: 4, batch_id: `batch-${seq}`, config: { username_pattern: `b${seq}_user_{id}@example.com`, password: API_PW, batch_size: 1000, ...config }, ...over };
}

// ---------------------------------------------------------------------------

describe('health and docs (public)', () => {
  it('health reports the database and version', async () => {
    const res = await call('GET', '/api/health', { headers: {} });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', version: '9.9.9-test', database: 'ok', auth: 'enabled' });
  });

  it('the OpenAPI document at /docs/json is generated from the route schemas', async () => {
    const res = await call('GET', '/docs/json', { headers: {} });
    expect(res.status).toBe(200);
    const paths = Object.keys(res.body.paths);
    for (const p of ['/api/bulk-users/create', '/api/bulk-users/stats', '/api/bulk-users/sync', '/api/bulk-users/sync/status', '/api/bulk-users/export', '/api/auth/login', '/api/health']) {
      expect(paths).toContain(p);
    }
    expect(res.body.paths['/api/bulk-users/create'].post.requestBody.content['application/json'].schema.required).toEqual(['count', 'config']);
    expect(res.body.components.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', name: 'X-API-Key' });
    const ui = await app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('an unknown route is a JSON 404', async () => {
    const res = await call('GET', '/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});

describe('login', () => {
  it('a test user created by the reconciler logs in with its population password; the profile has no hash', async () => {
    const res = await login('filepop_2', FILE_PW);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'Bearer', user: { username: 'filepop_2', is_admin: false, is_test_user: true } });
    expect(body.token).toMatch(/^bus_[0-9a-f]{16}_/);
    const profile = await call('GET', '/api/user/profile', { headers: { authorization: `Bearer ${body.token}` } });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ kind: 'user', username: 'filepop_2', is_test_user: true, batch_id: 'file-pop' });
    expect(profile.text).not.toContain('scrypt$');
    expect(profile.text).not.toContain('password');
  });

  it('a wrong password or an unknown user is 401 without saying which', async () => {
    const wrong = await login('filepop_2', 'not-the-password');
    const unknown = await login('nobody-here', 'whatever');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
  });

  it('tokens are stored hashed, never as sent', async () => {
    const token = (await login('root-admin', ADMIN_PW)).json().token as string;
    const rows = await tdb.query(`SELECT * FROM bulk_sessions`);
    expect(JSON.stringify(rows)).not.toContain(token.slice(21));
    const keys = await tdb.query(`SELECT * FROM bulk_api_keys`);
    expect(JSON.stringify(keys)).not.toContain(cred.apiKey!['x-api-key']!.slice(21));
  });
});

// Every protected route with a request that succeeds for an admin.
const PROTECTED: { name: string; method: InjectOptions['method']; url: string; payload?: () => unknown; ok: number }[] = [
  { name: 'create', method: 'POST', url: '/api/bulk-users/create', payload: () => createBody(), ok: 201 },
  { name: 'stats', method: 'GET', url: '/api/bulk-users/stats', ok: 200 },
  { name: 'batches', method: 'GET', url: '/api/bulk-users/batches', ok: 200 },
  { name: 'batch', method: 'GET', url: '/api/bulk-users/batches/file-pop', ok: 200 },
  { name: 'validate', method: 'POST', url: '/api/bulk-users/config/validate', payload: () => ({ yaml: 'apiVersion: bulk-users/v1\n' }), ok: 200 },
  { name: 'templates', method: 'GET', url: '/api/bulk-users/config/templates', ok: 200 },
  { name: 'save template', method: 'POST', url: '/api/bulk-users/config/templates', payload: () => ({ name: `saved-${++seq}`, spec: { count: 2 } }), ok: 201 },
  { name: 'sync', method: 'POST', url: '/api/bulk-users/sync', payload: () => ({ target: 'csv-out' }), ok: 200 },
  { name: 'sync status', method: 'GET', url: '/api/bulk-users/sync/status', ok: 200 },
  { name: 'export', method: 'GET', url: '/api/bulk-users/export', ok: 200 },
  { name: 'runs', method: 'GET', url: '/api/bulk-users/runs', ok: 200 },
  { name: 'identify', method: 'POST', url: '/api/bulk-users/lifecycle/identify', payload: () => ({}), ok: 200 },
  { name: 'cleanup candidates', method: 'GET', url: '/api/bulk-users/lifecycle/cleanup-candidates', ok: 200 },
  { name: 'cleanup (dry run)', method: 'POST', url: '/api/bulk-users/lifecycle/cleanup', payload: () => ({ batch_id: 'lc-dry', dry_run: true }), ok: 200 },
];

const MATRIX: { cred: string; expect: number | 'ok' }[] = [
  { cred: 'none', expect: 401 },
  { cred: 'wrongKey', expect: 401 },
  { cred: 'garbageKey', expect: 401 },
  { cred: 'revokedKey', expect: 401 },
  { cred: 'expiredToken', expect: 401 },
  { cred: 'nonAdmin', expect: 403 },
  { cred: 'admin', expect: 'ok' },
  { cred: 'apiKey', expect: 'ok' },
];

describe('auth matrix: every protected route', () => {
  for (const route of PROTECTED) {
    for (const m of MATRIX) {
      it(`${route.name} with ${m.cred} -> ${m.expect}`, async () => {
        const res = await call(route.method, route.url, { headers: cred[m.cred]!, ...(route.payload ? { payload: route.payload() } : {}) });
        expect(res.status, JSON.stringify(res.body)).toBe(m.expect === 'ok' ? route.ok : m.expect);
        if (m.expect === 401) {
          expect(res.body.error).toBe('unauthorized');
          expect(res.headers['www-authenticate']).toBeDefined();
        }
        if (m.cred === 'revokedKey') expect(res.body.message).toContain('revoked');
        if (m.cred === 'expiredToken') expect(res.body.message).toContain('expired');
      });
    }
  }

  it('the profile needs a credential but no admin', async () => {
    expect((await call('GET', '/api/user/profile', { headers: {} })).status).toBe(401);
    expect((await call('GET', '/api/user/profile', { headers: cred.nonAdmin })).status).toBe(200);
    expect((await call('GET', '/api/user/profile', { headers: cred.apiKey })).body).toMatchObject({ kind: 'api_key', name: 'ci' });
  });
});

describe('POST /api/bulk-users/create', () => {
  it('stores the spec (password encrypted), applies it, and the rows are exactly the population', async () => {
    const res = await call('POST', '/api/bulk-users/create', {
      payload: { count: 5, batch_id: 'checkout-api', config: { username_pattern: 'capi_{id}', password: API_PW, email_domain: 'shop.test', batch_size: 1000, attributes: { role: 'buyer' } } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ batch_id: 'checkout-api', created: 5, failed: 0, conflicts: 0 });
    expect(typeof res.body.execution_time).toBe('number');

    const rows = await tdb.query(`SELECT username, email, is_test_user, is_admin, seq, attributes, password_hash FROM users WHERE population = 'checkout-api' ORDER BY seq`);
    expect(rows.map((r) => [r.username, r.email, r.is_test_user, r.is_admin, r.seq, r.attributes])).toEqual(
      [1, 2, 3, 4, 5].map((i) => [`capi_${i}`, `capi_${i}@shop.test`, true, false, i, { role: 'buyer' }]),
    );
    expect(await verifyAnyFormat(rows[0].password_hash, API_PW)).toBe(true);
    const [stored] = await tdb.query(`SELECT * FROM bulk_api_populations WHERE name = 'checkout-api'`);
    expect(stored.spec).toEqual({ count: 5, usernamePattern: 'capi_{id}', emailDomain: 'shop.test', batchSize: 1000, attributes: { role: 'buyer' }, ttl: '7d' });
    expect(stored.password_enc).toMatch(/^v1:/);
    const [record] = await tdb.query(`SELECT source, phase FROM bulk_populations WHERE name = 'checkout-api'`);
    expect(record).toEqual({ source: 'api', phase: 'Active' });
    // No plaintext password anywhere in the database, the response or the log.
    const dump = JSON.stringify(await tdb.query(`SELECT to_jsonb(t) FROM bulk_api_populations t`)) + JSON.stringify(await tdb.query(`SELECT to_jsonb(p) FROM bulk_populations p`));
    expect(dump).not.toContain(API_PW);
    expect(res.text).not.toContain(API_PW);
    expect(logText).not.toContain(API_PW);
  });

  it('generates a batch_id when none is given', async () => {
    const body = createBody();
    delete (body as { batch_id?: string }).batch_id;
    const res = await call('POST', '/api/bulk-users/create', { payload: body });
    expect(res.status).toBe(201);
    expect(res.body.batch_id).toMatch(/^api-\d{8}-[0-9a-f]{6}$/);
  });

  it('the CLI plans nothing for API populations after they were applied (same desired state)', async () => {
    const res = await cli(['plan', '--specs', specsDir, '--detailed-exitcode', '--output', 'json'], { databaseUrl: tdb.url, env: { ...env, BULK_USERS_SECRET_KEY: secretKey.toString('base64') } });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).summary).toMatchObject({ create: 0, update: 0, delete: 0, syncDelete: 0 });
  });

  it('a username held by a production user is a conflict, never an overwrite', async () => {
    await seedProductionUsers(tdb, ['prodclash_2']);
    const before = await tdb.query(`SELECT to_jsonb(u) AS row FROM users u WHERE username = 'prodclash_2'`);
    const res = await call('POST', '/api/bulk-users/create', { payload: { count: 3, batch_id: 'prodclash', config: { username_pattern: 'prodclash_{id}', password: API_PW } } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ created: 2, failed: 1, conflicts: 1, conflict_sample: [{ username: 'prodclash_2', held_by: 'production' }] });
    expect(await tdb.query(`SELECT to_jsonb(u) AS row FROM users u WHERE username = 'prodclash_2'`)).toEqual(before);
  });

  it('${id}, {index} and a missing {id} are 400 with the validator’s located messages and hints', async () => {
    for (const [pattern, message, hint] of [
      ['u_${id}', 'uses ${id}', 'use {id}, without the dollar sign'],
      ['u_{index}', 'uses {index}', 'use {id}'],
      ['u_plain', 'has no {id} placeholder', 'add {id}'],
    ] as const) {
      const res = await call('POST', '/api/bulk-users/create', { payload: createBody({}, { username_pattern: pattern }) });
      expect(res.status, pattern).toBe(400);
      expect(res.body.error).toBe('invalid_config');
      expect(res.body.errors[0]).toMatchObject({ severity: 'error', file: 'request' });
      expect(res.body.errors[0].message).toContain(message);
      expect(res.body.errors[0].hint).toContain(hint);
      expect(res.body.errors[0].line).toBeGreaterThan(1);
    }
    expect(await tdb.query(`SELECT name FROM bulk_api_populations WHERE spec->>'usernamePattern' LIKE 'u\\_%'`)).toEqual([]);
  });

  it('other invalid configs are 400 naming the field', async () => {
    const cases: [Record<string, unknown>, Record<string, unknown>, string][] = [
      [{}, { batch_size: 0 }, 'spec.batchSize must be between 1 and 50000'],
      [{ count: -1 }, {}, 'spec.count must be between 0 and 100000000'],
      [{ batch_id: 'Not_A_Label' }, {}, 'metadata.name is not valid'],
      [{}, { password: '' }, 'spec.password.value must not be empty'],
      [{}, { email_domain: 'bad domain' }, 'spec.emailDomain is not valid'],
      [{}, { sync_targets: ['nope'] }, 'unknown sync target "nope"'],
    ];
    for (const [over, config, message] of cases) {
      const res = await call('POST', '/api/bulk-users/create', { payload: createBody(over, config) });
      expect(res.status, message).toBe(400);
      expect(res.body.errors.map((e: { message: string }) => e.message).join('\n')).toContain(message);
    }
    // (A config that leaves out the pattern or the password gets the default template's: guideShapes.test.ts.)
  });

  it('a pattern overlapping a file population or another API population is 409', async () => {
    const overFile = await call('POST', '/api/bulk-users/create', { payload: createBody({}, { username_pattern: 'filepop_{id}' }) });
    expect(overFile.status).toBe(409);
    expect(overFile.body.error).toBe('conflict');
    expect(overFile.body.errors[0].message).toContain('can both produce username "filepop_1"');

    const overApi = await call('POST', '/api/bulk-users/create', { payload: createBody({}, { username_pattern: 'capi_{id}' }) });
    expect(overApi.status).toBe(409);
    expect(overApi.body.errors[0].message).toContain('"checkout-api"');
    expect(await tdb.query(`SELECT count(*)::int AS n FROM users WHERE username LIKE 'capi\\_%'`)).toEqual([{ n: 5 }]);
  });

  it('a name used by a file population or an API population is 409', async () => {
    for (const name of ['file-pop', 'checkout-api', 'csv-out']) {
      const res = await call('POST', '/api/bulk-users/create', { payload: createBody({ batch_id: name }) });
      expect(res.status, name).toBe(409);
      expect(res.body.errors[0].message).toContain(`duplicate name "${name}"`);
    }
  });

  it('another reconcile holding the lock is 503 busy, and the stored spec is removed again', async () => {
    const busy = await buildApp(appOptions({ lockTimeoutMs: 300 }));
    const lock = await acquireAdvisoryLock(tdb.url, { timeoutMs: 1000 });
    try {
      const res = await call('POST', '/api/bulk-users/create', { on: busy, payload: createBody({ batch_id: 'while-locked' }) });
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('busy');
      expect(await tdb.query(`SELECT name FROM bulk_api_populations WHERE name = 'while-locked'`)).toEqual([]);
    } finally {
      await lock.release();
      await busy.close();
    }
  });

  it('spec files that do not validate make create a 503 naming them, not a 500', async () => {
    const broken = mkdtempSync(path.join(tmpdir(), 'bu-broken-specs-'));
    writeFileSync(path.join(broken, 'bad.yaml'), 'apiVersion: bulk-users/v1\nkind: TestUserPopulation\nmetadata: { name: bad }\nspec: { count: 1, usernamePattern: "bad_${id}", password: { fromEnv: X } }\n');
    const b = await buildApp(appOptions({ specsDir: broken }));
    try {
      const res = await call('POST', '/api/bulk-users/create', { on: b, payload: createBody({ batch_id: 'with-broken-files' }) });
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('specs_invalid');
      expect(res.body.errors[0].file).toBe(path.join(broken, 'bad.yaml'));
      expect((await call('GET', '/api/bulk-users/batches', { on: b })).body.spec_errors).toHaveLength(1);
    } finally {
      await b.close();
    }
  });

  it('config.template fills the fields the request leaves out', async () => {
    const res = await call('POST', '/api/bulk-users/create', { payload: { count: 2, batch_id: 'from-template', config: { template: 'tpl-small', username_pattern: 'tpl_{id}', password: API_PW, attributes: { tier: 'gold' } } } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.created).toBe(2);
    const [stored] = await tdb.query(`SELECT spec FROM bulk_api_populations WHERE name = 'from-template'`);
    expect(stored.spec).toEqual({ count: 2, batchSize: 1000, ttl: '1d', usernamePattern: 'tpl_{id}', attributes: { role: 'customer', tier: 'gold' } });
    const unknown = await call('POST', '/api/bulk-users/create', { payload: createBody({}, { template: 'tpl-smal' }) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ message: 'unknown template "tpl-smal"', hint: 'did you mean "tpl-small"?' });
  });
});

describe('batches and stats', () => {
  it('lists file and API batches with desired and actual counts', async () => {
    const res = await call('GET', '/api/bulk-users/batches');
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.batches.map((b: { batch_id: string }) => [b.batch_id, b]));
    expect(byId['file-pop']).toMatchObject({ source: 'file', desired_count: 3, actual_count: 3, in_sync: true, phase: 'Active' });
    expect(byId['checkout-api']).toMatchObject({ source: 'api', origin: 'api', desired_count: 5, actual_count: 5, in_sync: true });
    expect(res.text).not.toContain(API_PW);
    expect(res.text).not.toContain('scrypt$');
  });

  it('one batch shows its spec without the password; an unknown one is 404', async () => {
    const res = await call('GET', '/api/bulk-users/batches/checkout-api');
    expect(res.status).toBe(200);
    expect(res.body.spec.password).toEqual({ value: '[redacted]' });
    expect(res.text).not.toContain(API_PW);
    expect((await call('GET', '/api/bulk-users/batches/no-such-batch')).status).toBe(404);
  });

  it('stats add up with the database', async () => {
    const res = await call('GET', '/api/bulk-users/stats');
    expect(res.status).toBe(200);
    const [c] = await tdb.query(`SELECT count(*)::int AS total, count(*) FILTER (WHERE is_test_user)::int AS test, count(*) FILTER (WHERE NOT is_test_user)::int AS prod FROM users`);
    expect(res.body).toMatchObject({ total_users: c.total, test_users: c.test, production_users: c.prod, active_operations: 0, admin_users: 1 });
    expect(res.body.batches.find((b: { batch_id: string }) => b.batch_id === 'file-pop')).toMatchObject({ actual_count: 3 });
  });
});

describe('runs', () => {
  it('lists recent applying runs of the CLI and the API, newest first, with summary, duration and outcome', async () => {
    const res = await call('GET', '/api/bulk-users/runs');
    expect(res.status).toBe(200);
    const triggers = res.body.runs.map((r: { trigger: string }) => r.trigger);
    expect(triggers).toContain('cli');
    expect(triggers).toContain('api');
    const ids = res.body.runs.map((r: { id: number }) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const cliRun = res.body.runs.find((r: { trigger: string }) => r.trigger === 'cli');
    expect(cliRun).toMatchObject({ outcome: 'succeeded', summary: { create: 3 }, error: null });
    expect(typeof cliRun.duration_seconds).toBe('number');
    expect(cliRun.started_at <= cliRun.finished_at).toBe(true);
    // No controller in this app (serve without --schedule/--watch), and no replica leads.
    expect(res.body).toMatchObject({ controller: null, leader: null });
    const api = await call('GET', '/api/bulk-users/runs?trigger=api&limit=1');
    expect(api.body.runs).toHaveLength(1);
    expect(api.body.runs[0].trigger).toBe('api');
    const older = await call('GET', `/api/bulk-users/runs?before_id=${ids[0]}`);
    expect(older.body.runs.every((r: { id: number }) => r.id < ids[0])).toBe(true);
  });

  it('batches carry the status of each population: generations, conditions, sync targets, last error', async () => {
    const res = await call('GET', '/api/bulk-users/batches/file-pop');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ generation: 1, observed_generation: 1, last_error: null, sync_targets: [{ target: 'csv-out', state: 'InSync', expected: 3, held: 3, error: null }] });
    expect(res.body.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`)).toEqual(['Ready=True', 'Synced=True', 'Expired=False', 'Degraded=False']);
  });
});

describe('config/validate', () => {
  const yamlText = [
    'apiVersion: bulk-users/v1',
    'kind: TestUserPopulation',
    'metadata: { name: vv }',
    'spec:',
    '  count: 10',
    '  usernamePattern: "vv_${id}"',
    '  password: { value: plain }',
    '---',
    'apiVersion: bulk-users/v1',
    'kind: TestUserPopulation',
    'metadata: { name: ww }',
    'spec:',
    '  count: 10',
    '  usernamePattern: "ww_{index}"',
    '  password: { fromEnv: X }',
    '',
  ].join('\n');
  const okYaml = ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', 'metadata: { name: ok }', 'spec:', '  count: 10', '  usernamePattern: "ok_{id}@mail.acme.com"', '  password: { value: plain }', '  batchSize: 5', ''].join('\n');

  for (const [label, text] of [
    ['errors', yamlText],
    ['warnings', okYaml],
  ] as const) {
    it(`returns the same ${label} as the CLI's validate for the same YAML`, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'bu-validate-'));
      const file = path.join(dir, 'spec.yaml');
      writeFileSync(file, text);
      const cliOut = JSON.parse((await cli(['validate', '--specs', file, '--output', 'json'])).stdout) as { valid: boolean; errors: object[]; warnings: object[] };
      const res = await call('POST', '/api/bulk-users/config/validate', { payload: { yaml: text } });
      expect(res.status).toBe(200);
      const strip = (ps: object[]) => ps.map((p) => ({ ...p, file: undefined }));
      expect(res.body.is_valid).toBe(cliOut.valid);
      expect(strip(res.body.errors)).toEqual(strip(cliOut.errors));
      expect(strip(res.body.warnings)).toEqual(strip(cliOut.warnings));
      expect(res.body.errors.length + res.body.warnings.length).toBeGreaterThan(0);
    });
  }

  it('the YAML form reports ${id} and {index} with hints, and warns on plaintext passwords, odd batch sizes and real domains', async () => {
    const bad = await call('POST', '/api/bulk-users/config/validate', { payload: { yaml: yamlText } });
    expect(bad.body.is_valid).toBe(false);
    expect(bad.body.errors.map((e: { hint: string }) => e.hint)).toEqual(['use {id}, without the dollar sign', 'use {id}']);
    const ok = await call('POST', '/api/bulk-users/config/validate', { payload: { yaml: okYaml } });
    expect(ok.body.is_valid).toBe(true);
    const messages = ok.body.warnings.map((w: { message: string }) => w.message).join('\n');
    expect(messages).toContain('password is written in the spec in plain text');
    expect(messages).toContain('batchSize 5 is far from the default 1000');
    expect(messages).toContain('e-mail domain "mail.acme.com" is not reserved for testing');
  });

  it('the create form is checked like create, clashes included, and stores nothing', async () => {
    const ok = await call('POST', '/api/bulk-users/config/validate', { payload: createBody({ batch_id: 'only-validated' }, { batch_size: 20000 }) });
    expect(ok.body).toMatchObject({ is_valid: true, errors: [] });
    expect(ok.body.warnings[0].message).toContain('batchSize 20000 is far from the default');
    const bad = await call('POST', '/api/bulk-users/config/validate', { payload: createBody({}, { username_pattern: 'x_${id}' }) });
    expect(bad.body.is_valid).toBe(false);
    expect(bad.body.errors[0].hint).toBe('use {id}, without the dollar sign');
    const clash = await call('POST', '/api/bulk-users/config/validate', { payload: createBody({}, { username_pattern: 'filepop_{id}' }) });
    expect(clash.body.is_valid).toBe(false);
    expect(clash.body.errors[0].message).toContain('can both produce');
    expect(await tdb.query(`SELECT name FROM bulk_api_populations WHERE name = 'only-validated'`)).toEqual([]);
  });

  it('both forms at once, or neither, is 400', async () => {
    expect((await call('POST', '/api/bulk-users/config/validate', { payload: { yaml: 'a: 1', count: 1, config: {} } })).status).toBe(400);
    expect((await call('POST', '/api/bulk-users/config/validate', { payload: {} })).status).toBe(400);
  });
});

describe('config/templates', () => {
  it('lists the built-in templates of the spec directory and saved ones', async () => {
    const saved = await call('POST', '/api/bulk-users/config/templates', { payload: { name: 'mobile', description: 'mobile users', spec: { count: 7, attributes: { device: 'ios' }, password: { fromEnv: 'LOADTEST_MOBILE_PW' } } } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const res = await call('GET', '/api/bulk-users/config/templates');
    const names = res.body.templates.map((t: { name: string; kind: string }) => `${t.kind}:${t.name}`);
    expect(names).toContain('builtin:tpl-small');
    expect(names).toContain('saved:mobile');
    expect(res.body.templates.find((t: { name: string }) => t.name === 'tpl-small').description).toBe('three users');
  });

  it('a saved template is used by create (its password variable included)', async () => {
    const res = await call('POST', '/api/bulk-users/create', { payload: { count: 2, batch_id: 'mobile-run', config: { template: 'mobile', username_pattern: 'mob_{id}' } } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [row] = await tdb.query(`SELECT password_hash, attributes FROM users WHERE username = 'mob_1'`);
    expect(await verifyAnyFormat(row.password_hash, FILE_PW)).toBe(true);
    expect(row.attributes).toEqual({ device: 'ios' });
    const [stored] = await tdb.query(`SELECT spec, password_enc FROM bulk_api_populations WHERE name = 'mobile-run'`);
    expect(stored).toEqual({ spec: { count: 2, usernamePattern: 'mob_{id}', attributes: { device: 'ios' }, password: { fromEnv: 'LOADTEST_MOBILE_PW' }, ttl: '7d' }, password_enc: null });
  });

  it('refuses a duplicate name (409), a password value (400) and an invalid spec (400)', async () => {
    expect((await call('POST', '/api/bulk-users/config/templates', { payload: { name: 'mobile', spec: {} } })).status).toBe(409);
    expect((await call('POST', '/api/bulk-users/config/templates', { payload: { name: 'tpl-small', spec: {} } })).status).toBe(409);
    const pw = await call('POST', '/api/bulk-users/config/templates', { payload: { name: 'with-pw', spec: { password: { value: 'secret-in-db' } } } });
    expect(pw.status).toBe(400);
    const invalid = await call('POST', '/api/bulk-users/config/templates', { payload: { name: 'bad-one', spec: { usernamePattern: 'x_${id}', batchSize: 0 } } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { message: string }) => e.message).join('\n')).toContain('spec.batchSize must be between 1 and 50000');
    expect(JSON.stringify(await tdb.query('SELECT * FROM bulk_templates'))).not.toContain('secret-in-db');
  });
});

describe('sync', () => {
  it('syncs one target and reports it; the file holds the members', async () => {
    const res = await call('POST', '/api/bulk-users/sync', { payload: { target: 'csv-out', filter_criteria: { batch_id: 'file-pop', test_users_only: true } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ target: 'csv-out', in_sync: true, report: { batches: [{ batch_id: 'file-pop', records: 3 }], records: 3 } });
    const rows = parse(readFileSync(path.join(outDir, 'users.csv'), 'utf8'), { columns: true }) as { username: string }[];
    expect(rows.map((r) => r.username).sort()).toEqual(['filepop_1', 'filepop_2', 'filepop_3']);
  });

  it('modified_since narrows the report, not the sync', async () => {
    const res = await call('POST', '/api/bulk-users/sync', { payload: { target: 'csv-out', filter_criteria: { modified_since: '2999-01-01T00:00:00Z' } } });
    expect(res.status).toBe(200);
    expect(res.body.report.records).toBe(0);
  });

  it('an unknown target or batch is 404; test_users_only=false and a bad date are 400', async () => {
    const t = await call('POST', '/api/bulk-users/sync', { payload: { target: 'csv-ou' } });
    expect(t.status).toBe(404);
    expect(t.body.message).toContain('did you mean "csv-out"?');
    expect((await call('POST', '/api/bulk-users/sync', { payload: { target: 'csv-out', filter_criteria: { batch_id: 'nope' } } })).status).toBe(404);
    expect((await call('POST', '/api/bulk-users/sync', { payload: { target: 'csv-out', filter_criteria: { test_users_only: false } } })).status).toBe(400);
    expect((await call('POST', '/api/bulk-users/sync', { payload: { target: 'csv-out', filter_criteria: { modified_since: 'yesterday' } } })).status).toBe(400);
  });

  it('status: per target in sync, counts, last run, last error', async () => {
    const res = await call('GET', '/api/bulk-users/sync/status');
    expect(res.status).toBe(200);
    expect(res.body.targets).toEqual([
      expect.objectContaining({ name: 'csv-out', type: 'file', in_sync: true, state: 'in_sync', expected: 3, held: 3, pending: 0, batches: ['file-pop'], last_error: null }),
    ]);
    expect(res.body.targets[0].last_run_at).toMatch(/^\d{4}-/);
  });
});

describe('export', () => {
  it('JSON: {users: [...]} without any password or hash', async () => {
    const res = await call('GET', '/api/bulk-users/export');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const [n] = await tdb.query(`SELECT count(*)::int AS n FROM users WHERE is_test_user AND population IS NOT NULL`);
    expect(res.body.users).toHaveLength(n.n);
    expect(res.text).not.toContain('scrypt$');
    expect(res.text).not.toContain('password');
    expect(res.text).not.toContain(API_PW);
    expect(res.text).not.toContain('root-admin');
    expect(res.text).not.toContain('prodclash_2');
  });

  it('CSV, one batch', async () => {
    const res = await call('GET', '/api/bulk-users/export?batch_id=checkout-api&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.username)).toEqual(['capi_1', 'capi_2', 'capi_3', 'capi_4', 'capi_5']);
    expect(Object.keys(rows[0]!)).toEqual(['username', 'email', 'batch_id', 'seq', 'attributes', 'created_at', 'updated_at', 'expires_at', 'is_test_user']);
    expect(res.text).not.toContain('scrypt$');
  });

  it('an unknown batch is 404, an unknown format or parameter 400', async () => {
    expect((await call('GET', '/api/bulk-users/export?batch_id=nope')).status).toBe(404);
    expect((await call('GET', '/api/bulk-users/export?format=xml')).status).toBe(400);
    expect((await call('GET', '/api/bulk-users/export?batchid=x')).status).toBe(400);
  });
});

describe('malformed input never gets a 5xx', () => {
  const BODIES: { label: string; payload?: string; type?: string }[] = [
    { label: 'invalid JSON', payload: '{"count": ', type: 'application/json' },
    { label: 'empty JSON body', payload: '', type: 'application/json' },
    { label: 'an array', payload: '[]', type: 'application/json' },
    { label: 'a string', payload: '"x"', type: 'application/json' },
    { label: 'a number', payload: '42', type: 'application/json' },
    { label: 'null', payload: 'null', type: 'application/json' },
    { label: 'unknown fields', payload: '{"zzz": 1, "count": 1, "config": {}, "target": "csv-out", "username": "a", "password": "b", "name": "n", "spec": {}}', type: 'application/json' },
    { label: 'wrong types', payload: '{"count": "ten", "config": [], "target": 5, "username": 1, "password": {}, "name": [], "spec": "x", "yaml": 3, "filter_criteria": 1}', type: 'application/json' },
    { label: 'text/plain', payload: 'hello', type: 'text/plain' },
    { label: 'NUL in strings', payload: '{"count": 1, "batch_id": "a\\u0000b", "config": {"username_pattern": "x\\u0000{id}"}, "target": "a\\u0000", "username": "a\\u0000", "password": "p", "name": "n\\u0000", "spec": {}, "yaml": "a: \\u0000"}', type: 'application/json' },
    { label: 'deep nesting', payload: '{"count": 1, "config": {"attributes": ' + '{"a":'.repeat(500) + '1' + '}'.repeat(500) + '}}', type: 'application/json' },
    { label: 'a huge number', payload: '{"count": 1e308, "config": {"batch_size": 99999999999999999999}}', type: 'application/json' },
    { label: 'too large', payload: `{"yaml": "${'x'.repeat(1_200_000)}"}`, type: 'application/json' },
  ];
  const ROUTES: [InjectOptions['method'], string][] = [
    ['POST', '/api/bulk-users/create'],
    ['POST', '/api/bulk-users/config/validate'],
    ['POST', '/api/bulk-users/config/templates'],
    ['POST', '/api/bulk-users/sync'],
    ['POST', '/api/bulk-users/lifecycle/cleanup'],
    ['POST', '/api/auth/login'],
  ];
  for (const [method, url] of ROUTES) {
    it(`${method} ${url}`, async () => {
      for (const b of BODIES) {
        const res = await app.inject({ method, url, headers: { ...cred.apiKey, ...(b.type ? { 'content-type': b.type } : {}) }, ...(b.payload !== undefined ? { payload: b.payload } : {}) });
        expect(res.statusCode, `${b.label}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (url.endsWith('/validate') && res.statusCode === 200) {
          // Validation reports a bad (but well-formed) configuration as its answer.
          expect(res.json().is_valid, b.label).toBe(false);
          continue;
        }
        expect(res.statusCode, `${b.label}: ${res.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
        expect(res.json()).toHaveProperty('error');
        expect(res.body).not.toMatch(/at .*\.ts:\d+/);
      }
    });
  }

  it('stray query parameters and odd paths on every GET route are 4xx', async () => {
    for (const url of [
      '/api/health?x=1',
      '/api/user/profile?x=1',
      '/api/bulk-users/stats?x=1',
      '/api/bulk-users/batches?x=1',
      '/api/bulk-users/batches/%00',
      '/api/bulk-users/batches/%E0%A4%A',
      '/api/bulk-users/sync/status?x=1',
      '/api/bulk-users/runs?x=1',
      '/api/bulk-users/runs?limit=0',
      '/api/bulk-users/runs?trigger=cron',
      '/api/bulk-users/config/templates?x=1',
      '/api/bulk-users/export?format=json&format=csv',
      '/api/bulk-users/lifecycle/cleanup-candidates?x=1',
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: cred.apiKey });
      expect(res.statusCode, `${url}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
    }
  });
});

describe('DISABLE_AUTH', () => {
  it('opens the API on loopback with NODE_ENV=development, announced at start and warned on each request', async () => {
    let logged = '';
    const announced: string[] = [];
    const stream = new Writable({
      write(c, _e, cb) {
        logged += String(c);
        cb();
      },
    });
    const open = await buildApp(appOptions({ env: { ...env, DISABLE_AUTH: 'true', NODE_ENV: 'development' }, logger: pino(stream), announce: (l) => announced.push(l) }));
    try {
      expect(announced.join('\n')).toContain('DISABLE_AUTH=true');
      expect(logged).toContain('DISABLE_AUTH=true');
      const before = logged.length;
      expect((await call('GET', '/api/bulk-users/stats', { headers: {}, on: open })).status).toBe(200);
      expect(logged.slice(before)).toContain('DISABLE_AUTH=true');
      expect((await call('GET', '/api/health', { headers: {}, on: open })).body.auth).toBe('disabled');
    } finally {
      await open.close();
    }
  });

  for (const [label, over] of [
    ['NODE_ENV=production', { NODE_ENV: 'production' }],
    ['NODE_ENV=Production', { NODE_ENV: 'Production' }],
    ['NODE_ENV=prod', { NODE_ENV: 'prod' }],
    ['NODE_ENV unset', { NODE_ENV: undefined }],
  ] as const) {
    it(`refuses to build with ${label}`, async () => {
      await expect(buildApp(appOptions({ env: { ...env, DISABLE_AUTH: 'true', ...over } }))).rejects.toThrow(/DISABLE_AUTH=true is honoured only with NODE_ENV=development or NODE_ENV=test/);
    });
  }

  it('refuses to build for a non-loopback address, or an unknown one', async () => {
    await expect(buildApp(appOptions({ env: { ...env, DISABLE_AUTH: 'true', NODE_ENV: 'test' }, listenHost: '0.0.0.0' }))).rejects.toThrow(/only on a loopback address/);
    await expect(buildApp(appOptions({ env: { ...env, DISABLE_AUTH: 'true', NODE_ENV: 'test' }, listenHost: undefined }))).rejects.toThrow(/only on a loopback address/);
  });
});

describe('CLI: api-key and admin', () => {
  it('api-key create prints a key once; revoke makes it fail', async () => {
    const made = await cli(['api-key', 'create', '--name', 'from-cli'], { databaseUrl: tdb.url });
    expect(made.code, made.stderr).toBe(0);
    const key = made.stdout.trim();
    expect(key).toMatch(/^buk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect((await call('GET', '/api/bulk-users/stats', { headers: { 'x-api-key': key } })).status).toBe(200);
    const list = await cli(['api-key', 'list'], { databaseUrl: tdb.url });
    expect(list.stdout).toContain('from-cli');
    expect(list.stdout).not.toContain(key.slice(21));
    expect((await cli(['api-key', 'create', '--name', 'from-cli'], { databaseUrl: tdb.url })).code).toBe(1);
    expect((await cli(['api-key', 'revoke', 'from-cli'], { databaseUrl: tdb.url })).code).toBe(0);
    expect((await call('GET', '/api/bulk-users/stats', { headers: { 'x-api-key': key } })).status).toBe(401);
    expect((await cli(['api-key', 'revoke', 'from-cli'], { databaseUrl: tdb.url })).code).toBe(1);
  });

  it('plan without the server key refuses clearly and invents no key file', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bu-nokey-'));
    const res = await cli(['plan', '--specs', specsDir], { databaseUrl: tdb.url, env: { ...env, BULK_USERS_DATA_DIR: dataDir } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('no encryption key: set BULK_USERS_SECRET_KEY');
    expect(existsSync(path.join(dataDir, 'bulk-users.key'))).toBe(false);
  });

  it('admin create takes the password from the environment; the admin logs in; a taken name is refused', async () => {
    const res = await cli(['admin', 'create', '--username', 'ops-admin'], { databaseUrl: tdb.url, env: { BULK_USERS_ADMIN_PASSWORD: 'ops admin password 1' } });
    expect(res.code, res.stderr).toBe(0);
    const [row] = await tdb.query(`SELECT is_admin, is_test_user, population, password_hash FROM users WHERE username = 'ops-admin'`);
    expect(row).toMatchObject({ is_admin: true, is_test_user: false, population: null });
    expect(row.password_hash).toMatch(/^scrypt\$/);
    const token = (await login('ops-admin', 'ops admin password 1')).json().token as string;
    expect((await call('GET', '/api/bulk-users/stats', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const again = await cli(['admin', 'create', '--username', 'ops-admin'], { databaseUrl: tdb.url, env: { BULK_USERS_ADMIN_PASSWORD: 'ops admin password 2' } });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');
    const weak = await cli(['admin', 'create', '--username', 'weak-admin'], { databaseUrl: tdb.url, env: { BULK_USERS_ADMIN_PASSWORD: 'short' } });
    expect(weak.code).toBe(1);
  });
});

describe('over a real socket', () => {
  it('startServer listens on 127.0.0.1, answers, and closes', async () => {
    const server = await startServer({ port: 0, specsDir, env: { ...env, DATABASE_URL: tdb.url, BULK_USERS_SECRET_KEY: secretKey.toString('base64') }, logger: false });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${server.url}/api/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { database: string }).database).toBe('ok');
      expect((await fetch(`${server.url}/api/bulk-users/stats`)).status).toBe(401);
      const stats = await fetch(`${server.url}/api/bulk-users/stats`, { headers: cred.apiKey });
      expect(stats.status).toBe(200);
      const loginRes = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'filepop_3', password: FILE_PW }) });
      expect(loginRes.status).toBe(200);
      const exp = await fetch(`${server.url}/api/bulk-users/export?format=csv`, { headers: cred.apiKey });
      expect(exp.status).toBe(200);
      expect(await exp.text()).not.toContain('scrypt$');
    } finally {
      await server.close();
    }
  });

  it('refuses to start with a key that does not open the stored passwords', async () => {
    await expect(startServer({ port: 0, specsDir, env: { ...env, DATABASE_URL: tdb.url, BULK_USERS_SECRET_KEY: randomBytes(32).toString('base64') }, logger: false })).rejects.toThrow(
      /encryption key does not open/,
    );
  });

  it('`bulk-users serve` exits 0 on SIGTERM, after letting a running create finish', async () => {
    const { child, stdout: out, stderr: err, exited: closed } = spawnCli(['serve', '--port', '0', '--specs', specsDir], {
      cwd: outDir,
      env: { ...env, DATABASE_URL: tdb.url, BULK_USERS_SECRET_KEY: secretKey.toString('base64'), BULK_USERS_LOG_DIR: outDir, NODE_ENV: 'test' },
    });
    const exited = closed.then(({ code, signal }) => ({ code, signal }));
    try {
      const deadline = Date.now() + 30_000;
      while (!/listening on (http:\/\/\S+) /.test(out())) {
        if (Date.now() > deadline) throw new Error(`serve did not start: ${out()} ${err()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /listening on (http:\/\/\S+) /.exec(out())![1]!;
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
      const pending = fetch(`${url}/api/bulk-users/create`, {
        method: 'POST',
        headers: { ...cred.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ count: 20000, batch_id: 'during-shutdown', config: { username_pattern: 'shut_{id}', password: API_PW, batch_size: 1000 } }),
      });
      const started = Date.now();
      while ((await tdb.query(`SELECT 1 FROM bulk_api_populations WHERE name = 'during-shutdown'`)).length === 0 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGTERM');
      const res = await pending;
      expect(res.status).toBe(201);
      expect(((await res.json()) as { created: number }).created).toBe(20000);
      const code = await exited;
      expect(code, err()).toEqual({ code: 0, signal: null });
      expect(out()).toContain('bulk-users API stopped');
      expect(err()).not.toContain(API_PW);
      expect(readFileSync(path.join(outDir, 'bulk_user_management.log'), 'utf8')).not.toContain(API_PW);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('lifecycle routes', () => {
  it('identify classifies every row; cleanup-candidates lists what cleanup could remove', async () => {
    const res = await call('POST', '/api/bulk-users/lifecycle/identify', { payload: {} });
    expect(res.status).toBe(200);
    const managed = (res.body.classes as { class: string; population: string | null; count: number }[]).filter((c) => c.class === 'managed');
    expect(managed.find((c) => c.population === 'file-pop')?.count).toBe(3);
    expect(managed.find((c) => c.population === 'lc-dry')?.count).toBe(4);
    expect(res.body.totals.production).toBeGreaterThanOrEqual(1); // the admin user
    expect(res.body.scan).toBe('full');
    expect((await call('POST', '/api/bulk-users/lifecycle/identify', { payload: { zzz: 1 } })).status).toBe(400);
    const candidates = await call('GET', '/api/bulk-users/lifecycle/cleanup-candidates');
    expect(candidates.status).toBe(200);
    expect(res.body.candidates).toEqual(candidates.body.candidates);
    expect(candidates.body.counts_by_reason).toEqual({ expired: 0, orphaned: 0, 'unmanaged-test': 0 });
  });

  it('cleanup deletes an API batch everywhere, audited; a live file batch is refused; an unknown one is 404', async () => {
    const made = await call('POST', '/api/bulk-users/create', { payload: createBody({ batch_id: 'lc-gone' }) });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const dry = await call('POST', '/api/bulk-users/lifecycle/cleanup', { payload: { batch_id: 'lc-gone', dry_run: true } });
    expect(dry.body).toMatchObject({ batch_id: 'lc-gone', kind: 'api', dry_run: true, deleted: 4 });
    expect((await tdb.query(`SELECT count(*)::int AS n FROM users WHERE population = 'lc-gone'`))[0].n).toBe(4);

    const done = await call('POST', '/api/bulk-users/lifecycle/cleanup', { payload: { batch_id: 'lc-gone' } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ batch_id: 'lc-gone', kind: 'api', dry_run: false, deleted: 4, outcome: 'applied' });
    expect((await tdb.query(`SELECT count(*)::int AS n FROM users WHERE population = 'lc-gone'`))[0].n).toBe(0);
    expect(await tdb.query(`SELECT name FROM bulk_api_populations WHERE name = 'lc-gone'`)).toEqual([]);
    expect(await tdb.query(`SELECT name FROM bulk_populations WHERE name = 'lc-gone'`)).toEqual([]);
    const audit = await tdb.query(`SELECT trigger, rule, count::int FROM bulk_audit WHERE population = 'lc-gone'`);
    expect(audit).toEqual([{ trigger: 'api', rule: 'spec-removed', count: 4 }]);
    expect((await call('GET', '/api/bulk-users/batches/lc-gone')).status).toBe(404);

    const live = await call('POST', '/api/bulk-users/lifecycle/cleanup', { payload: { batch_id: 'file-pop' } });
    expect(live.status).toBe(409);
    expect(live.body.message).toContain('population "file-pop" is not a cleanup candidate');
    expect((await tdb.query(`SELECT count(*)::int AS n FROM users WHERE population = 'file-pop'`))[0].n).toBe(3);
    expect((await call('POST', '/api/bulk-users/lifecycle/cleanup', { payload: { batch_id: 'no-such-batch' } })).status).toBe(404);
  });
});
