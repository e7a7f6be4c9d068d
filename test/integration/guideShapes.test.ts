import { BILLION_LAUGHS } from '../support/billionLaughs.ts';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/server/auth/createApiKey.ts';
import { buildApp } from '../../src/server/buildApp.ts';
import { MAX_VALIDATE_DOCUMENTS } from '../../src/server/routes/registerConfigRoutes.ts';
import { cli } from '../support/cli.ts';
import { createTestDatabase, seedProductionUsers, type TestDatabase } from '../support/testDatabase.ts';

/**
 * The request shapes of the original system's operator guide, sent as its curl commands
 * send them, to a server listening on a real socket.
 */

let tdb: TestDatabase;
let app: FastifyInstance;
let base: string;
let key: string;
let outDir: string;
let specsDir: string;
let logText = '';

beforeAll(async () => {
  tdb = await createTestDatabase();
  specsDir = mkdtempSync(path.join(tmpdir(), 'bu-guide-specs-'));
  outDir = mkdtempSync(path.join(tmpdir(), 'bu-guide-out-'));
  writeFileSync(
    path.join(specsDir, 'specs.yaml'),
    [
      'apiVersion: bulk-users/v1',
      'kind: TestUserPopulation',
      'metadata: { name: file-pop }',
      'spec: { count: 3, usernamePattern: "filepop_{id}", password: { fromEnv: GUIDE_PW }, ttl: 7d }',
      '---',
      'apiVersion: bulk-users/v1',
      'kind: SyncTarget',
      'metadata: { name: csv-out }',
      'spec: { type: file, path: users.csv, format: csv }',
      '',
    ].join('\n'),
  );
  const env = { GUIDE_PW: 'guide-file-pw', BULK_USERS_DATA_DIR: outDir };
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logText += String(chunk);
      cb();
    },
  });
  app = await buildApp({ database: tdb.database, secretKey: randomBytes(32), specsDir, env, version: 'test', logger: pino({ level: 'debug' }, logStream), baseDir: outDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  key = (await createApiKey(tdb.database.db, 'guide')).token;
  await seedProductionUsers(tdb, ['alice', 'bob']);
  const rec = await cli(['reconcile', '--specs', specsDir, '--yes'], { databaseUrl: tdb.url, env });
  expect(rec.code, rec.stderr).toBe(0);
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

async function send(method: string, url: string, body?: unknown, opts: { raw?: string } = {}) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { 'x-api-key': key, ...(body !== undefined || opts.raw !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(opts.raw !== undefined ? { body: opts.raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, body: json };
}

const validate = (body: unknown) => send('POST', '/api/bulk-users/config/validate', body);

describe('config/validate with the flat config of the guide', () => {
  it('the pattern check (§1): testuser_{id}@example.com is valid', async () => {
    const res = await validate({ username_pattern: 'testuser_{id}@example.com' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ is_valid: true, errors: [] });
    expect(Array.isArray(res.body.warnings)).toBe(true);
  });

  it('the detailed check and scripts/validate_config.py (§5): valid, warnings say why they are there', async () => {
    const res = await validate({ username_pattern: 'test_{id}@example.com', password: 'TestPass123!', email_domain: 'example.com', batch_size: 100 });
    expect(res.status, res.text).toBe(200);
    expect(res.body.is_valid).toBe(true);
    expect(res.body.errors).toEqual([]);
    const warnings = res.body.warnings.map((w: { message: string }) => w.message).join('\n');
    // What the CLI says of the same population: the usernames are addresses already.
    expect(warnings).toContain('emailDomain is ignored because usernames are already e-mail addresses');
    expect(res.text).not.toContain('TestPass123!');
  });

  it('the minimal check (§5): user_{id}@test.com is valid', async () => {
    const res = await validate({ username_pattern: 'user_{id}@test.com' });
    expect(res.body).toMatchObject({ is_valid: true, errors: [] });
  });

  it.each([
    ['user_${id}@domain.com', 'use {id}, without the dollar sign'],
    ['user_{index}@domain.com', 'use {id}'],
  ])('%s is invalid with the hint, as the CLI says it', async (pattern, hint) => {
    const res = await validate({ username_pattern: pattern });
    expect(res.status).toBe(200);
    expect(res.body.is_valid).toBe(false);
    expect(res.body.errors.map((e: { hint: string }) => e.hint)).toEqual([hint]);

    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bu-guide-cli-')), 'spec.yaml');
    writeFileSync(file, ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', 'metadata: { name: same }', `spec: { count: 1, usernamePattern: "${pattern}", password: { fromEnv: X } }`, ''].join('\n'));
    const out = await cli(['validate', '--specs', file, '--output', 'json']);
    const fromCli = JSON.parse(out.stdout) as { valid: boolean; errors: { message: string; hint: string }[] };
    expect(fromCli.valid).toBe(false);
    expect(res.body.errors.map((e: { message: string; hint: string }) => [e.message, e.hint])).toEqual(fromCli.errors.map((e) => [e.message, e.hint]));
  });

  it('user_{id}@domain.com is valid but warned about: domain.com is a real domain', async () => {
    const res = await validate({ username_pattern: 'user_{id}@domain.com' });
    expect(res.body.is_valid).toBe(true);
    expect(res.body.warnings.map((w: { message: string }) => w.message).join('\n')).toContain('"domain.com" is not reserved for testing');
  });

  it('a clash with an existing population is reported like create would', async () => {
    const res = await validate({ username_pattern: 'filepop_{id}' });
    expect(res.body.is_valid).toBe(false);
    expect(res.body.errors[0].message).toContain('can both produce username "filepop_1"');
  });

  it('flat fields next to "config", or nothing at all, are 400 saying what to send', async () => {
    const both = await validate({ username_pattern: 'a_{id}', count: 1, config: {} });
    expect(both.status).toBe(400);
    expect(both.body.message).toContain('username_pattern');
    const none = await validate({});
    expect(none.status).toBe(400);
    expect(none.body.message).toContain('username_pattern');
    expect((await validate({ username_pattern: 1 })).status).toBe(400);
  });
});

describe('create with only {count, config: {batch_size}} (guide §1 and §4)', () => {
  it('fills pattern, password and ttl from the default template; the password is returned once and stored encrypted', async () => {
    const res = await send('POST', '/api/bulk-users/create', { count: 100, config: { batch_size: 25, sync_targets: ['csv-out'] } });
    expect(res.status, res.text).toBe(201);
    const batch = res.body.batch_id as string;
    const password = res.body.generated_password as string;
    expect(batch).toMatch(/^api-\d{8}-[0-9a-f]{6}$/);
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(res.body.created).toBe(100);

    const rows = await tdb.query(`SELECT username, email, expires_at FROM users WHERE population = $1 ORDER BY seq`, [batch]);
    expect(rows).toHaveLength(100);
    expect(rows[0].username).toBe(`${batch}_1@loadtest.invalid`);
    expect(rows[0].email).toBe(rows[0].username);
    // ttl 7d from the first apply.
    const lease = new Date(rows[0].expires_at).getTime() - Date.now();
    expect(lease).toBeGreaterThan(7 * 86_400_000 - 3_600_000);
    expect(lease).toBeLessThanOrEqual(7 * 86_400_000);

    // Delivered to the sync target, and it logs in.
    const csv = parse(readFileSync(path.join(outDir, 'users.csv'), 'utf8'), { columns: true }) as { username: string; password: string }[];
    expect(csv.find((r) => r.username === `${batch}_7@loadtest.invalid`)?.password).toBe(password);
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `${batch}_7@loadtest.invalid`, password }) });
    expect(login.status).toBe(200);

    // Never again in plain text: not stored, not in later answers, not in the log.
    const [stored] = await tdb.query(`SELECT spec::text AS spec, password_enc AS enc FROM bulk_api_populations WHERE name = $1`, [batch]);
    expect(stored.spec).not.toContain(password);
    expect(stored.enc).not.toContain(password);
    expect(stored.enc).not.toBe('');
    for (const url of [`/api/bulk-users/batches/${batch}`, '/api/bulk-users/batches', '/api/bulk-users/export', '/api/bulk-users/config/templates']) {
      const later = await send('GET', url);
      expect(later.status, url).toBe(200);
      expect(later.text, url).not.toContain(password);
    }
    expect(logText).toContain(batch);
    expect(logText).not.toContain(password);
  });

  it('two default batches never clash, and each gets its own password', async () => {
    const a = await send('POST', '/api/bulk-users/create', { count: 1000, config: { batch_size: 50 } });
    const b = await send('POST', '/api/bulk-users/create', { count: 1000, config: { batch_size: 50 } });
    expect([a.status, b.status], a.text + b.text).toEqual([201, 201]);
    expect(a.body.generated_password).not.toBe(b.body.generated_password);
    expect([a.body.conflicts, b.body.conflicts]).toEqual([0, 0]);
  });

  it('a sync of a batch to a target it does not list is a 409 naming its targets, not an empty success', async () => {
    const created = await send('POST', '/api/bulk-users/create', { count: 2, batch_id: 'no-target', config: { batch_size: 25 } });
    expect(created.status, created.text).toBe(201);
    const res = await send('POST', '/api/bulk-users/sync', { target: 'csv-out', filter_criteria: { batch_id: 'no-target', test_users_only: true } });
    expect(res.status, res.text).toBe(409);
    expect(res.body).toMatchObject({ error: 'not_a_target_of_batch' });
    expect(res.body.message).toContain('batch "no-target" does not sync to "csv-out" (its sync targets: none)');
    expect(res.body.message).toContain('config.sync_targets');
  });

  it('what the request gives wins; a password given is not echoed', async () => {
    const res = await send('POST', '/api/bulk-users/create', { count: 2, batch_id: 'given-pw', config: { username_pattern: 'given_{id}@example.com', password: 'Given-Secret-77', expires_at: '2099-01-01T00:00:00Z' } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).not.toHaveProperty('generated_password');
    expect(res.text).not.toContain('Given-Secret-77');
    const [row] = await tdb.query(`SELECT username, expires_at FROM users WHERE population = 'given-pw' ORDER BY seq LIMIT 1`);
    expect(row.username).toBe('given_1@example.com');
    expect(new Date(row.expires_at).toISOString()).toBe('2099-01-01T00:00:00.000Z');
  });

  it('the default template is listed, can be named, and its name is reserved', async () => {
    const list = await send('GET', '/api/bulk-users/config/templates');
    const def = list.body.templates.find((t: { name: string }) => t.name === 'default');
    expect(def).toMatchObject({ kind: 'default', spec: { ttl: '7d' } });
    expect(def.description).toContain('<batch_id>_{id}@loadtest.invalid');
    const named = await send('POST', '/api/bulk-users/create', { count: 1, config: { template: 'default' } });
    expect(named.status, named.text).toBe(201);
    const taken = await send('POST', '/api/bulk-users/config/templates', { name: 'default', spec: {} });
    expect(taken.status).toBe(400);
    expect(taken.body.errors[0].message).toContain('taken by the built-in default template');
  });
});

describe('export carries is_test_user (guide §3)', () => {
  it('JSON: every row has is_test_user true, so the guide\'s jq filter finds nothing; production users are absent', async () => {
    const res = await send('GET', '/api/bulk-users/export');
    expect(res.status).toBe(200);
    const users = res.body.users as { username: string; is_test_user: unknown }[];
    expect(users.length).toBeGreaterThan(100);
    expect(users.every((u) => u.is_test_user === true)).toBe(true);
    // jq '.users[] | select(.is_test_user == false)'
    expect(users.filter((u) => u.is_test_user === false)).toEqual([]);
    expect(users.map((u) => u.username)).not.toContain('alice');
  });

  it('CSV: an is_test_user column', async () => {
    const res = await send('GET', '/api/bulk-users/export?format=csv&batch_id=file-pop');
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.username, r.is_test_user])).toEqual([
      ['filepop_1', 'true'],
      ['filepop_2', 'true'],
      ['filepop_3', 'true'],
    ]);
  });
});

describe('bad input to validate and create', () => {
  it('a YAML alias bomb is a located 400', async () => {
    const res = await validate({ yaml: BILLION_LAUGHS });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toBe('invalid_yaml');
    expect(res.body.message).toMatch(/^request\.yaml:10:\d+: YAML aliases expand too often/);
    expect(res.body.errors[0]).toMatchObject({ file: 'request.yaml', line: 10 });
  });

  it('a control character in the pattern: validate says invalid, located; create is a 400 and writes nothing', async () => {
    const v = await validate({ username_pattern: 'ctl\u0001_{id}' });
    expect(v.status).toBe(200);
    expect(v.body.is_valid).toBe(false);
    expect(v.body.errors[0].message).toContain('spec.usernamePattern contains a control character (U+0001) at position 4');
    const c = await send('POST', '/api/bulk-users/create', { count: 2, batch_id: 'ctl-batch', config: { username_pattern: 'ctl\u0001_{id}' } });
    expect(c.status).toBe(400);
    expect(c.body.error).toBe('invalid_config');
    const attr = await send('POST', '/api/bulk-users/create', { count: 2, batch_id: 'ctl-batch', config: { attributes: { note: { deep: ['x\u0000y'] } } } });
    expect(attr.status).toBe(400);
    expect(attr.body.errors[0].message).toContain('spec.attributes.note.deep[0] contains a control character (U+0000)');
    const nul = await send('POST', '/api/bulk-users/create', { count: 2, batch_id: 'ctl-batch', config: { username_pattern: 'nul\u0000_{id}' } });
    expect(nul.status).toBe(400);
    expect(await tdb.query(`SELECT name FROM bulk_api_populations WHERE name = 'ctl-batch'`)).toEqual([]);
  });

  it(`more than ${MAX_VALIDATE_DOCUMENTS} documents is a 413 naming the cap`, async () => {
    const res = await validate({ yaml: documents(MAX_VALIDATE_DOCUMENTS + 1) });
    expect(res.status).toBe(413);
    expect(res.body.message).toContain(`at most ${MAX_VALIDATE_DOCUMENTS}`);
  });

  it('while a validate of the largest allowed size runs, /api/health answers, and so does the validate', async () => {
    // Warm up (schema compilation), so the measurement is of the request itself.
    await validate({ yaml: documents(2) });
    const big = validate({ yaml: documents(MAX_VALIDATE_DOCUMENTS) });
    // Sent once the validate is under way (its parse alone takes longer than this).
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    const health = await fetch(`${base}/api/health`);
    const waited = Date.now() - started;
    expect(health.status).toBe(200);
    // Generous: a quadratic overlap check took seconds at this size.
    expect(waited).toBeLessThan(2000);
    const res = await big;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ is_valid: true, errors: [] });
  });
});

function documents(n: number): string {
  return Array.from({ length: n }, (_, i) => ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', `metadata: { name: doc-${i} }`, `spec: { count: 1000, usernamePattern: "doc${i}_{id}@example.com", password: { fromEnv: X }, ttl: 1d }`, ''].join('\n')).join('---\n');
}
