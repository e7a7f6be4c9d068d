import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerLoadTesterCommand } from '../../src/cli/loadTesterCommand.ts';
import { LEADER_LOCK_KEY } from '../../src/db/leaderLock.ts';
import { LOCK_KEYS } from '../../src/db/lockKeys.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { buildLoadTesterApp } from '../../src/loadtester/buildLoadTesterApp.ts';
import type { LoadTesterDatabase } from '../../src/loadtester/loadTesterSchema.ts';
import type { CredentialInput } from '../../src/loadtester/routeSchemas.ts';
import { migrateLoadTester } from '../../src/loadtester/migrateLoadTester.ts';
import { encryptSecret } from '../../src/crypto/secretBox.ts';
import { keyFilePath, loadSecretKey } from '../../src/loadtester/secretBox.ts';
import { startLoadTester, type RunningLoadTester } from '../../src/loadtester/startLoadTester.ts';

/** A pool whose clients may be cut by DROP DATABASE ... WITH (FORCE) without crashing the run. */
function quietPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', () => {});
  return pool;
}
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

type Rec = CredentialInput;

const WRITE_TOKEN = randomBytes(32).toString('base64url');
const TOKENS = { write: WRITE_TOKEN };
const AUTH = { authorization: `Bearer ${WRITE_TOKEN}` };

/** inject() with the write token (the authentication itself is tested in loadTesterAuth.test.ts). */
function inj(target: FastifyInstance, opts: InjectOptions) {
  return target.inject({ ...opts, headers: { ...AUTH, ...(opts.headers ?? {}) } });
}

/** fetch() with the write token. */
function authFetch(url: string, init: RequestInit = {}) {
  return fetch(url, { ...init, headers: { ...AUTH, ...((init.headers as Record<string, string> | undefined) ?? {}) } });
}

let tdb: TestDatabase;
let env: NodeJS.ProcessEnv;
let server: RunningLoadTester;
let db: Kysely<LoadTesterDatabase>;
let app: FastifyInstance;

beforeAll(async () => {
  tdb = await createTestDatabase();
  env = { LOADTESTER_DATABASE_URL: tdb.url, BULK_USERS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bu-loadtester-')), LOADTESTER_TOKEN: WRITE_TOKEN };
  server = await startLoadTester({ port: 0, env, logger: false });
  // A second, injected instance on the same database and key, as a test harness would build it.
  const pool = quietPool({ connectionString: tdb.url, max: 4 });
  db = new Kysely<LoadTesterDatabase>({ dialect: new PostgresDialect({ pool }) });
  await migrateLoadTester(db);
  app = await buildLoadTesterApp({ db, pool, secretKey: await loadSecretKey(env), logger: false, version: '9.9.9-test', tokens: TOKENS });
});

afterAll(async () => {
  await app?.close();
  await db?.destroy();
  await server?.close();
  await tdb?.drop();
});

beforeEach(async () => {
  await tdb.query('TRUNCATE loadtester.credentials');
});

// ---------------------------------------------------------------------------
// helpers

function rec(population: string, i: number, over: Partial<Rec> = {}): Rec {
  return {
    username: `${population}_${String(i).padStart(4, '0')}`,
    password: `pw-${population}-${i}`,
    email: `${population}_${i}@example.com`,
    population,
    content_hash: `hash-${i}`,
    attributes: { i },
    ...over,
  };
}

async function post(url: string, payload: unknown) {
  const res = await inj(app, { method: 'POST', url, payload: payload as object });
  return { status: res.statusCode, body: res.json() };
}

async function get(url: string) {
  const res = await inj(app, { method: 'GET', url });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

async function upsert(users: Rec[]) {
  const res = await post('/api/users/bulk-upsert', { users });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { inserted: number; updated: number; unchanged: number };
}

async function exportText(query: string): Promise<{ status: number; type: string; text: string }> {
  const res = await inj(app, { method: 'GET', url: `/api/users/export?${query}` });
  return { status: res.statusCode, type: String(res.headers['content-type']), text: res.body };
}

const TWO_64 = 1n << 64n;

/** The digest of the protocol, computed independently of PostgreSQL. */
function jsDigest(records: { username: string; content_hash: string }[]): { count: number; digest: string } {
  let sum = 0n;
  for (const r of records) sum += createHash('md5').update(`${r.username}:${r.content_hash}`, 'utf8').digest().readBigInt64BE(0);
  return { count: records.length, digest: (((sum % TWO_64) + TWO_64) % TWO_64).toString() };
}

function jsBucket(username: string, buckets: number): number {
  return createHash('md5').update(username, 'utf8').digest().readUInt16BE(0) >> (16 - Math.log2(buckets));
}

async function snapshot(): Promise<unknown[]> {
  return tdb.query(`SELECT username, population, email, password_enc, content_hash, attributes, updated_at::text, xmin::text FROM loadtester.credentials ORDER BY username`);
}

// ---------------------------------------------------------------------------

describe('health and stats', () => {
  it('reports health with version and database', async () => {
    const res = await get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', version: '9.9.9-test', database: 'ok' });
  });

  it('answers 503 (JSON) when its database cannot be reached', async () => {
    const deadDb = new Kysely<LoadTesterDatabase>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: 'postgres://x:y@127.0.0.1:1/none', connectionTimeoutMillis: 1000 }) }),
    });
    const dead = await buildLoadTesterApp({ db: deadDb, secretKey: randomBytes(32), logger: false, tokens: TOKENS });
    try {
      const health = await inj(dead, { method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ database: 'unavailable' });
      const stats = await inj(dead, { method: 'GET', url: '/api/users/stats' });
      expect(stats.statusCode).toBe(503);
      expect(stats.json()).toMatchObject({ error: 'database_unavailable' });
    } finally {
      await dead.close();
      await deadDb.destroy();
    }
  });

  it('counts records per population', async () => {
    expect((await get('/api/users/stats')).body).toEqual({ total: 0, populations: {} });
    await upsert([rec('checkout', 1), rec('checkout', 2), rec('checkout', 3), rec('search', 1)]);
    expect((await get('/api/users/stats')).body).toEqual({ total: 4, populations: { checkout: 3, search: 1 } });
  });
});

describe('bulk upsert and delete', () => {
  it('counts inserts, updates and unchanged records exactly, and a repeat changes nothing', async () => {
    const first = [rec('p', 1), rec('p', 2), rec('p', 3), rec('p', 4)];
    expect(await upsert(first)).toEqual({ inserted: 4, updated: 0, unchanged: 0 });
    const before = await snapshot();

    expect(await upsert(first)).toEqual({ inserted: 0, updated: 0, unchanged: 4 });
    // Not one row was rewritten: same updated_at, same row version (xmin).
    expect(await snapshot()).toEqual(before);

    // Same hash, different content: the hash is the contract, so nothing is written.
    expect(await upsert([rec('p', 1, { email: 'other@example.com' })])).toEqual({ inserted: 0, updated: 0, unchanged: 1 });

    const second = [rec('p', 1), rec('p', 2, { content_hash: 'hash-2b', email: null, password: 'new-pw', attributes: { changed: true } }), rec('p', 5)];
    expect(await upsert(second)).toEqual({ inserted: 1, updated: 1, unchanged: 1 });
    const rows = await tdb.query(`SELECT username, email, content_hash, attributes FROM loadtester.credentials WHERE username = 'p_0002'`);
    expect(rows).toEqual([{ username: 'p_0002', email: null, content_hash: 'hash-2b', attributes: { changed: true } }]);
    const after = (await snapshot()) as { username: string; updated_at: string }[];
    const old = before as { username: string; updated_at: string }[];
    expect(after.find((r) => r.username === 'p_0001')).toEqual(old.find((r) => r.username === 'p_0001'));
    expect(after.find((r) => r.username === 'p_0002')!.updated_at).not.toBe(old.find((r) => r.username === 'p_0002')!.updated_at);

    const csv = await exportText('format=artillery-csv');
    expect(parse(csv.text)).toContainEqual(['p_0002', 'new-pw']);
    expect(await upsert(second)).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
  });

  // Batches of records the service does not hold are written with COPY (see upsertCredentials);
  // Server-Timing names the path a batch took.
  /** An upsert that must succeed: its counts, and the stages its Server-Timing names. */
  async function upsertBody(body: object): Promise<{ counts: unknown; stages: string[] }> {
    const res = await inj(app, { method: 'POST', url: '/api/users/bulk-upsert', payload: body });
    expect(res.statusCode, res.body).toBe(200);
    return { counts: res.json(), stages: String(res.headers['server-timing']).split(', ').map((s) => s.split(';')[0]!) };
  }
  const upsertTimed = (users: Rec[]) => upsertBody({ users });

  /** What is stored: the rows, and the export with the passwords decrypted. */
  const storedRecords = async () => ({
    rows: await tdb.query(`SELECT username, population, email, content_hash, attributes FROM loadtester.credentials ORDER BY username`),
    csv: parse((await exportText('format=csv')).text),
  });

  /** Stores `records` (new ones) again through the upsert statement, which a held username in the batch makes it take, and returns what that stores. */
  async function storedViaUpsert(population: string, records: Rec[]) {
    await tdb.query('TRUNCATE loadtester.credentials');
    await upsert([rec(population, 0)]);
    const viaUpsert = await upsertTimed([rec(population, 0), ...records]);
    expect(viaUpsert.counts).toEqual({ inserted: records.length, updated: 0, unchanged: 1 });
    expect(viaUpsert.stages).toContain('upsert');
    expect(viaUpsert.stages).not.toContain('copy');
    expect(viaUpsert.stages).not.toContain('insert');
    await post('/api/users/bulk-delete', { usernames: [`${population}_0000`] });
    return storedRecords();
  }

  it('writes a batch of new records with COPY, byte for byte what the upsert statement writes', async () => {
    // Values COPY's text format must escape, and nulls.
    const odd = [
      rec('cp', 1, { attributes: { note: 'tab\there', nl: 'a\nb\r\nc', bs: 'back\\slash \\N', u: 'ü€😀' } }),
      rec('cp', 2, { email: null, attributes: null }),
      rec('cp', 3, { password: 'pass\tword\\N\n', content_hash: 'h\\3' }),
    ];
    const viaCopy = await upsertTimed(odd);
    expect(viaCopy.counts).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
    expect(viaCopy.stages).toContain('copy');
    expect(viaCopy.stages).not.toContain('upsert');
    const copied = await storedRecords();
    expect(await storedViaUpsert('cp', odd)).toEqual(copied);
    expect(copied.csv).toContainEqual(['cp_0003', 'pass\tword\\N\n', 'cp_3@example.com', 'cp']);
  });

  it('writes a batch of new records sharing all but username and e-mail with one INSERT, byte for byte what the upsert statement writes', async () => {
    // Shared values with what COPY's text format would have to escape, and null e-mails
    // and attributes; the records arrive whole, with equal but separate attribute objects.
    const alike = (over: Partial<Rec>) => [1, 2, 3].map((i) => rec('in', i, { password: 'pass\tword\\N\n', content_hash: 'h\\same', ...(i === 2 ? { email: null } : {}), ...over }));
    for (const attributes of [{ note: 'tab\there', nl: 'a\nb\r\nc', bs: 'back\\slash \\N', u: 'ü€😀' }, null]) {
      await tdb.query('TRUNCATE loadtester.credentials');
      const records = alike({ attributes: attributes && { ...attributes } }).map((r) => ({ ...r, attributes: r.attributes && { ...r.attributes } }));
      const viaInsert = await upsertTimed(records);
      expect(viaInsert.counts).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
      expect(viaInsert.stages).toContain('insert');
      expect(viaInsert.stages).not.toContain('copy');
      expect(viaInsert.stages).not.toContain('upsert');
      // Sealed once for the batch (a fresh nonce per request), so one ciphertext.
      expect(await tdb.query(`SELECT count(DISTINCT password_enc)::int AS n FROM loadtester.credentials`)).toEqual([{ n: 1 }]);
      const inserted = await storedRecords();
      expect(inserted.csv).toContainEqual(['in_0002', 'pass\tword\\N\n', '', 'in']);
      expect((await get('/api/users/digest?population=in')).body).toEqual({ population: 'in', ...jsDigest(records) });
      expect(await storedViaUpsert('in', records)).toEqual(inserted);
    }
  });

  it('takes the fields a batch shares once, in "shared": the records stored are those the batch sent whole gives', async () => {
    const whole = [rec('sh', 1, { attributes: { k: 1 } }), rec('sh', 2, { attributes: { k: 1 }, email: null }), rec('sh', 3, { attributes: { k: 2 }, content_hash: 'other' })];
    const stored = storedRecords;
    expect(await upsert(whole)).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
    const expected = await stored();
    await tdb.query('TRUNCATE loadtester.credentials');
    // A record's own value wins over the shared one (record 3's attributes and hash, record 2's null email).
    const shared = { password: 'pw-sh-1', population: 'sh', content_hash: 'hash-1', attributes: { k: 1 } };
    const body = {
      shared,
      users: [
        { username: 'sh_0001', email: 'sh_1@example.com' },
        { username: 'sh_0002', email: null, content_hash: 'hash-2', password: 'pw-sh-2' },
        { username: 'sh_0003', email: 'sh_3@example.com', content_hash: 'other', attributes: { k: 2 }, password: 'pw-sh-3' },
      ],
    };
    const first = await post('/api/users/bulk-upsert', body);
    expect(first).toEqual({ status: 200, body: { inserted: 3, updated: 0, unchanged: 0 } });
    expect(await stored()).toEqual(expected);
    // The same again through the upsert statement changes nothing.
    expect((await post('/api/users/bulk-upsert', body)).body).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
    expect((await get('/api/users/digest?population=sh')).body).toEqual({ population: 'sh', ...jsDigest(whole) });
  });

  describe('runs: records named by a pattern', () => {
    const fields = { password: 'pass\tword\\N', population: 'ru', content_hash: 'h\\ru', attributes: { note: 'tab\there ü😀' } };
    const runs = [
      { prefix: 'ru_', suffix: '', from: 8, to: 12, email_suffix: '@example.com' },
      { prefix: "ru_x'", suffix: '@a.example', from: 1, to: 3, email_suffix: '' },
      { prefix: 'ru_n', suffix: '', from: 0, to: 1, email_suffix: null },
    ];
    const own = { username: 'ru_own', email: 'own@example.com' };
    /** The records the body stands for, spelled out by hand. */
    const spelled: Rec[] = [
      ...[8, 9, 10, 11, 12].map((i) => ({ username: `ru_${i}`, email: `ru_${i}@example.com` })),
      ...[1, 2, 3].map((i) => ({ username: `ru_x'${i}@a.example`, email: `ru_x'${i}@a.example` })),
      ...[0, 1].map((i) => ({ username: `ru_n${i}`, email: null })),
      own,
    ].map((u) => ({ ...fields, ...u, attributes: { ...fields.attributes } }));

    it('stores byte for byte the records the runs spell out, with one INSERT, and a repeat changes nothing', async () => {
      const body = { shared: fields, runs, users: [own] };
      const first = await upsertBody(body);
      expect(first.counts).toEqual({ inserted: 11, updated: 0, unchanged: 0 });
      expect(first.stages).toContain('insert');
      expect(first.stages).not.toContain('copy');
      expect(first.stages).not.toContain('upsert');
      const viaRuns = await storedRecords();
      expect(viaRuns.rows).toHaveLength(11);
      expect((await get('/api/users/digest?population=ru')).body).toEqual({ population: 'ru', ...jsDigest(spelled) });
      // Sent again, the same body finds every username held and changes nothing.
      const before = await snapshot();
      expect((await upsertBody(body)).counts).toEqual({ inserted: 0, updated: 0, unchanged: 11 });
      expect(await snapshot()).toEqual(before);
      expect(await storedViaUpsert('ru', spelled)).toEqual(viaRuns);
    });

    it('updates the usernames a run names that are held in another version, through the upsert statement', async () => {
      await upsert([{ ...spelled[1]!, content_hash: 'old' }]);
      const mixed = await upsertBody({ shared: fields, runs: runs.slice(0, 1) });
      expect(mixed.counts).toEqual({ inserted: 4, updated: 1, unchanged: 0 });
      expect(mixed.stages).toContain('upsert');
      expect(await tdb.query(`SELECT username, content_hash FROM loadtester.credentials ORDER BY username`)).toEqual(
        spelled.slice(0, 5).map((r) => ({ username: r.username, content_hash: fields.content_hash })).sort((a, b) => (a.username < b.username ? -1 : 1)),
      );
    });

    it('writes runs beside records of other fields one by one (COPY)', async () => {
      const other = { username: 'ru_other', email: null, content_hash: 'other', attributes: null };
      const res = await upsertBody({ shared: fields, runs: runs.slice(0, 1), users: [other] });
      expect(res.counts).toEqual({ inserted: 6, updated: 0, unchanged: 0 });
      expect(res.stages).toContain('copy');
      const stored = await tdb.query<{ username: string; content_hash: string; email: string | null }>(`SELECT username, content_hash, email FROM loadtester.credentials ORDER BY username`);
      expect(stored).toContainEqual({ username: 'ru_other', content_hash: 'other', email: null });
      expect(stored).toContainEqual({ username: 'ru_12', content_hash: fields.content_hash, email: 'ru_12@example.com' });
    });
  });

  it.each([
    // Records sharing all but username and e-mail: the plain INSERT is tried first.
    { path: 'insert', population: 'fi', batch: (p: string) => [1, 2, 3].map((i) => rec(p, i, { content_hash: 'same', attributes: { k: 1 }, password: `pw-${p}` })) },
    { path: 'copy', population: 'fb', batch: (p: string) => [rec(p, 1), rec(p, 2, { content_hash: 'hash-2b' }), rec(p, 3)] },
  ])('falls back to the upsert statement when a held username sits inside a batch of new ones ($path tried first)', async ({ path, population, batch }) => {
    const records = batch(population);
    await upsert([rec(population, 2)]);
    const mixed = await upsertTimed(records);
    // The bulk path was tried (first and last are new), hit the held name, and wrote nothing of its own.
    expect(mixed.stages).toEqual(expect.arrayContaining([path, 'upsert']));
    expect(mixed.counts).toEqual({ inserted: 2, updated: 1, unchanged: 0 });
    expect(await tdb.query(`SELECT username, content_hash FROM loadtester.credentials ORDER BY username`)).toEqual(records.map((r) => ({ username: r.username, content_hash: r.content_hash })));
    expect((await get(`/api/users/digest?population=${population}`)).body).toEqual({ population, ...jsDigest(records) });
  });

  it('stores passwords encrypted, never in plaintext: one ciphertext per password and population in a batch', async () => {
    const users = [
      rec('enc', 1, { password: 'correct horse battery staple' }),
      rec('enc', 2, { password: 'Tr0ub4dor&3' }),
      rec('enc', 3, { password: 'correct horse battery staple' }),
      rec('enc2', 4, { password: 'correct horse battery staple' }),
    ];
    await upsert(users);
    const stored = await tdb.query<{ username: string; password_enc: string; all_columns: string }>(
      `SELECT username, password_enc, row_to_json(c)::text AS all_columns FROM loadtester.credentials c`,
    );
    const rows = users.map((u) => stored.find((r) => r.username === u.username)!);
    for (const [i, r] of rows.entries()) {
      expect(r.password_enc).toMatch(/^p1:v1:/);
      expect(r.password_enc).not.toContain(users[i]!.password);
      expect(Buffer.from(r.password_enc.slice(6), 'base64').toString('latin1')).not.toContain(users[i]!.password);
      expect(r.all_columns).not.toContain(users[i]!.password);
    }
    // Shared within a population, never across populations (the population is authenticated).
    expect(rows[0]!.password_enc).toBe(rows[2]!.password_enc);
    expect(new Set(rows.map((r) => r.password_enc)).size).toBe(3);
    const csv = parse((await exportText('format=artillery-csv')).text);
    expect(csv).toEqual(users.map((u) => [u.username, u.password]));
  });

  it('still opens passwords stored per username (the earlier format), and refuses a ciphertext moved to another population', async () => {
    const key = await loadSecretKey(env);
    await tdb.query(`INSERT INTO loadtester.credentials (username, population, password_enc, content_hash) VALUES ($1, 'old', $2, 'h')`, [
      'old_0001',
      encryptSecret(key, 'old_0001', 'stored before'),
    ]);
    await upsert([rec('other', 1, { password: 'theirs' })]);
    expect(parse((await exportText('format=artillery-csv&population=old')).text)).toEqual([['old_0001', 'stored before']]);

    // A per-username ciphertext given the shared mark does not open either, whatever the username.
    await tdb.query(`INSERT INTO loadtester.credentials (username, population, password_enc, content_hash) VALUES ('population:pc', 'pc', $1, 'h')`, [
      `p1:${encryptSecret(key, 'population:pc', 'forged')}`,
    ]);
    const forged = await exportText('format=artillery-csv&population=pc');
    expect(forged.status).toBe(500);
    expect(JSON.parse(forged.text)).toMatchObject({ error: 'encryption_key' });

    const [theirs] = await tdb.query<{ password_enc: string }>(`SELECT password_enc FROM loadtester.credentials WHERE username = 'other_0001'`);
    await tdb.query(`UPDATE loadtester.credentials SET password_enc = $1 WHERE username = 'old_0001'`, [theirs!.password_enc]);
    const res = await exportText('format=artillery-csv&population=old');
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text)).toMatchObject({ error: 'encryption_key', message: expect.stringContaining('the stored password of "old_0001"') });
  });

  it('deletes idempotently, counting missing usernames', async () => {
    await upsert([rec('d', 1), rec('d', 2), rec('d', 3)]);
    expect((await post('/api/users/bulk-delete', { usernames: ['d_0001', 'd_0002', 'nobody'] })).body).toEqual({ deleted: 2, missing: 1 });
    expect((await post('/api/users/bulk-delete', { usernames: ['d_0001', 'd_0002', 'nobody'] })).body).toEqual({ deleted: 0, missing: 3 });
    // A name listed twice counts once.
    expect((await post('/api/users/bulk-delete', { usernames: ['d_0003', 'd_0003'] })).body).toEqual({ deleted: 1, missing: 0 });
    expect((await get('/api/users/stats')).body).toEqual({ total: 0, populations: {} });
  });
});

describe('digests and buckets', () => {
  // Usernames with non-ASCII characters check that both sides hash the same UTF-8 bytes.
  const alpha = Array.from({ length: 300 }, (_, i) => rec('alpha', i, { username: `alpha_${i}${i % 7 === 0 ? '_ü€😀' : ''}`, content_hash: createHash('sha256').update(`a${i}`).digest('hex') }));
  const beta = Array.from({ length: 120 }, (_, i) => rec('beta', i, { content_hash: `b${i}` }));

  it('equals an independent computation, per population, in all, and per bucket', async () => {
    await upsert([...alpha, ...beta]);

    expect((await get('/api/users/digest')).body).toEqual({ populations: { alpha: jsDigest(alpha), beta: jsDigest(beta) } });
    expect((await get('/api/users/digest?population=alpha')).body).toEqual({ population: 'alpha', ...jsDigest(alpha) });

    for (const buckets of [1, 16, 65536]) {
      const res = await get(`/api/users/digest?population=alpha&buckets=${buckets}`);
      expect(res.status).toBe(200);
      const expected = new Map<number, Rec[]>();
      for (const r of alpha) {
        const b = jsBucket(r.username, buckets);
        expected.set(b, [...(expected.get(b) ?? []), r]);
      }
      expect(res.body).toEqual({
        population: 'alpha',
        ...jsDigest(alpha),
        buckets: [...expected.keys()].sort((a, b) => a - b).map((bucket) => ({ bucket, ...jsDigest(expected.get(bucket)!) })),
      });
    }
    // Several buckets in one listing: exactly their records, in byte order of the username.
    const some = [3, 9, 12];
    const many = await get(`/api/users/bucket?population=alpha&buckets=16&bucket=${some.join(',')},9`);
    expect(many.status).toBe(200);
    const inSome = alpha.filter((r) => some.includes(jsBucket(r.username, 16))).map((r) => ({ username: r.username, content_hash: r.content_hash }));
    expect(inSome.length).toBeGreaterThan(3);
    expect((many.body as { users: Rec[] }).users).toEqual(inSome.sort((a, b) => Buffer.compare(Buffer.from(a.username), Buffer.from(b.username))));
    // With 16 buckets and 300 records every bucket is non-empty; the listing of each is exact.
    for (let bucket = 0; bucket < 16; bucket++) {
      const res = await get(`/api/users/bucket?population=alpha&buckets=16&bucket=${bucket}`);
      expect(res.status).toBe(200);
      const expected = alpha.filter((r) => jsBucket(r.username, 16) === bucket).map((r) => ({ username: r.username, content_hash: r.content_hash }));
      expect(expected.length).toBeGreaterThan(0);
      const sortByName = (a: { username: string }, b: { username: string }) => (a.username < b.username ? -1 : 1);
      expect([...(res.body as { users: Rec[] }).users].sort(sortByName)).toEqual(expected.sort(sortByName));
    }
  });

  it('changes when one record changes, in exactly one bucket', async () => {
    await upsert(alpha);
    const before = (await get('/api/users/digest?population=alpha&buckets=16')).body;
    const changed = { ...alpha[42]!, content_hash: 'different' };
    expect(await upsert([changed])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    const after = (await get('/api/users/digest?population=alpha&buckets=16')).body;
    expect(after.digest).toBe(jsDigest(alpha.map((r, i) => (i === 42 ? changed : r))).digest);
    const differing = (after.buckets as { bucket: number; digest: string }[]).filter((b, i) => b.digest !== before.buckets[i].digest);
    expect(differing.map((b) => b.bucket)).toEqual([jsBucket(changed.username, 16)]);
  });

  it('gives the empty set count 0 and digest "0"', async () => {
    expect((await get('/api/users/digest')).body).toEqual({ populations: {} });
    expect((await get('/api/users/digest?population=nobody')).body).toEqual({ population: 'nobody', count: 0, digest: '0' });
    expect((await get('/api/users/digest?population=nobody&buckets=16')).body).toEqual({ population: 'nobody', count: 0, digest: '0', buckets: [] });
    expect((await get('/api/users/bucket?population=nobody&buckets=16&bucket=3')).body).toEqual({ users: [] });
  });
});

describe('export', () => {
  const tricky = [
    rec('checkout', 1, { password: 'comma,and "quote"' }),
    rec('checkout', 2, { password: 'line\nbreak', email: null }),
    rec('checkout', 3),
    rec('search', 1, { password: ' spaced ' }),
    rec('admin', 1),
  ];

  it('artillery-csv: no header, username,password per line, RFC 4180 quoting', async () => {
    await upsert(tricky);
    const res = await exportText('format=artillery-csv');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/csv; charset=utf-8');
    expect(res.text).toContain('"comma,and ""quote"""');
    // Ordered by population, then username.
    expect(parse(res.text)).toEqual([
      ['admin_0001', 'pw-admin-1'],
      ['checkout_0001', 'comma,and "quote"'],
      ['checkout_0002', 'line\nbreak'],
      ['checkout_0003', 'pw-checkout-3'],
      ['search_0001', ' spaced '],
    ]);
  });

  it('csv: header line, then username,password,email,population', async () => {
    await upsert(tricky);
    const res = await exportText('format=csv&population=checkout');
    expect(res.text.split('\n')[0]).toBe('username,password,email,population');
    expect(parse(res.text, { columns: true })).toEqual([
      { username: 'checkout_0001', password: 'comma,and "quote"', email: 'checkout_1@example.com', population: 'checkout' },
      { username: 'checkout_0002', password: 'line\nbreak', email: '', population: 'checkout' },
      { username: 'checkout_0003', password: 'pw-checkout-3', email: 'checkout_3@example.com', population: 'checkout' },
    ]);
    // An empty export still has its header.
    expect((await exportText('format=csv&population=nobody')).text).toBe('username,password,email,population\n');
    expect((await exportText('format=artillery-csv&population=nobody')).text).toBe('');
  });

  it('k6-json: an array of objects, with the population filter', async () => {
    await upsert(tricky);
    const res = await exportText('format=k6-json&population=checkout');
    expect(res.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.text)).toEqual([
      { username: 'checkout_0001', password: 'comma,and "quote"', email: 'checkout_1@example.com', population: 'checkout' },
      { username: 'checkout_0002', password: 'line\nbreak', email: null, population: 'checkout' },
      { username: 'checkout_0003', password: 'pw-checkout-3', email: 'checkout_3@example.com', population: 'checkout' },
    ]);
    expect(JSON.parse((await exportText('format=k6-json&population=nobody')).text)).toEqual([]);
  });

  it('streams large exports (several pages) in order: by population, then username, in byte order', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => rec('big', i));
    // Usernames that sort after every one of 'big', in a population that sorts before it.
    const first = Array.from({ length: 1200 }, (_, i) => rec('a-big', i, { username: `zz_${String(i).padStart(4, '0')}` }));
    await upsert(many);
    await upsert(first);
    const rows = JSON.parse((await exportText('format=k6-json')).text) as Rec[];
    expect(rows.map((r) => r.username)).toEqual([...first, ...many].map((r) => r.username));
    expect(rows.map((r) => r.password)).toEqual([...first, ...many].map((r) => r.password));
  });

  it('slices are disjoint and together cover everything', async () => {
    const users = Array.from({ length: 400 }, (_, i) => rec(i % 2 ? 'odd' : 'even', i));
    await upsert(users);
    const all = parse((await exportText('format=artillery-csv')).text) as string[][];
    expect(all).toHaveLength(400);
    for (const slices of [1, 3, 8]) {
      const parts: string[][][] = [];
      for (let slice = 0; slice < slices; slice++) parts.push(parse((await exportText(`format=artillery-csv&slice=${slice}&slices=${slices}`)).text));
      const seen = parts.flat().map((r) => r[0]!);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(all.map((r) => r[0]!).sort());
      if (slices > 1) for (const p of parts) expect(p.length).toBeGreaterThan(0);
    }
    const evenSlices = [0, 1, 2].map(async (s) => parse((await exportText(`format=csv&population=even&slice=${s}&slices=3`)).text, { columns: true }) as Rec[]);
    const evenRows = (await Promise.all(evenSlices)).flat();
    expect(evenRows).toHaveLength(200);
    expect(evenRows.every((r) => r.population === 'even')).toBe(true);
  });

  it('forbids caching of credentials', async () => {
    const res = await inj(app, { method: 'GET', url: '/api/users/export?format=csv' });
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('over a real socket', () => {
  it('upserts and exports, and after a restart on the same database serves the same data and digests', async () => {
    const users = Array.from({ length: 50 }, (_, i) => rec('socket', i, { password: i === 7 ? 'a,"b"' : `pw${i}` }));
    const up = await authFetch(`${server.url}/api/users/bulk-upsert`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ users }) });
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ inserted: 50, updated: 0, unchanged: 0 });

    const exported = await authFetch(`${server.url}/api/users/export?format=artillery-csv`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const pairs = parse(await exported.text()) as string[][];
    expect(pairs).toEqual(users.map((u) => [u.username, u.password]));
    const digestBefore = await (await authFetch(`${server.url}/api/users/digest?population=socket&buckets=8`)).json();
    expect(digestBefore).toMatchObject(jsDigest(users));

    await server.close();
    await expect(authFetch(`${server.url}/api/health`)).rejects.toThrow();
    server = await startLoadTester({ port: 0, env, logger: false });

    expect(await (await authFetch(`${server.url}/api/users/digest?population=socket&buckets=8`)).json()).toEqual(digestBefore);
    expect(await (await authFetch(`${server.url}/api/users/stats`)).json()).toEqual({ total: 50, populations: { socket: 50 } });
    const again = await authFetch(`${server.url}/api/users/export?format=k6-json`);
    expect(((await again.json()) as Rec[]).map((r) => [r.username, r.password])).toEqual(pairs);
    const repeat = await authFetch(`${server.url}/api/users/bulk-upsert`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ users }) });
    expect(await repeat.json()).toEqual({ inserted: 0, updated: 0, unchanged: 50 });
  });
});

describe('robustness', () => {
  it('closes the export transaction when the client goes away mid-stream', async () => {
    const long = 'p'.repeat(300);
    for (const part of [0, 1]) await upsert(Array.from({ length: 10_000 }, (_, i) => rec('stream', part * 10_000 + i, { password: long })));
    const abort = new AbortController();
    const res = await authFetch(`${server.url}/api/users/export?format=k6-json`, { signal: abort.signal });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    abort.abort();
    await reader.cancel().catch(() => {});
    let open: unknown[] = [];
    for (let i = 0; i < 100; i++) {
      open = await tdb.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'bulk-users-loadtester' AND state LIKE 'idle in transaction%'`,
      );
      if (open.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(open).toEqual([]);
    // The server is still fine.
    expect((await (await authFetch(`${server.url}/api/users/stats`)).json()).total).toBe(20_000);
  });

  it('migrates safely from several processes at once', async () => {
    const other = await createTestDatabase();
    const handles = [0, 1, 2].map(() => new Kysely<LoadTesterDatabase>({ dialect: new PostgresDialect({ pool: quietPool({ connectionString: other.url, max: 1 }) }) }));
    try {
      await Promise.all(handles.map((h) => migrateLoadTester(h)));
      expect(await other.query(`SELECT name FROM loadtester.loadtester_migrations`)).toEqual([
        { name: '0001_credentials' },
        { name: '0002_bucket_index' },
        { name: '0003_population_digests' },
        { name: '0004_drop_bucket_index' },
        { name: '0005_population_index' },
      ]);
      // A record written costs the primary key's insert and an append to its population's posting list, nothing more.
      expect(await other.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'loadtester' AND tablename = 'credentials' ORDER BY 1`)).toEqual([
        { indexname: 'credentials_pkey' },
        { indexname: 'credentials_population_idx' },
      ]);
    } finally {
      await Promise.all(handles.map((h) => h.destroy()));
      await other.drop();
    }
  });

  it('migrates while a `serve` leader holds its lock on the same database (every advisory-lock key is distinct)', async () => {
    expect(new Set(Object.values(LOCK_KEYS)).size).toBe(Object.keys(LOCK_KEYS).length);
    const other = await createTestDatabase();
    const leader = new pg.Client({ connectionString: other.url });
    await leader.connect();
    const handle = new Kysely<LoadTesterDatabase>({ dialect: new PostgresDialect({ pool: quietPool({ connectionString: other.url, max: 1, statement_timeout: 5000 }) }) });
    try {
      await leader.query('SELECT pg_advisory_lock($1)', [LEADER_LOCK_KEY]);
      await migrateLoadTester(handle);
      expect(await other.query(`SELECT count(*)::int AS n FROM loadtester.loadtester_migrations`)).toEqual([{ n: 5 }]);
    } finally {
      await leader.end();
      await handle.destroy();
      await other.drop();
    }
  });
});

describe('encryption key', () => {
  it('creates the key file once, mode 0600, beside the embedded data', async () => {
    const file = keyFilePath(env);
    expect(path.dirname(file)).toBe(path.resolve(env.BULK_USERS_DATA_DIR!));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await loadSecretKey(env)).equals(await loadSecretKey(env))).toBe(true);
  });

  it('refuses a malformed LOADTESTER_ENCRYPTION_KEY with a clear error', async () => {
    await expect(startLoadTester({ port: 0, logger: false, env: { ...env, LOADTESTER_ENCRYPTION_KEY: 'not base64!' } })).rejects.toThrow(/LOADTESTER_ENCRYPTION_KEY must be 32 random bytes in base64/);
    await expect(loadSecretKey({ LOADTESTER_ENCRYPTION_KEY: randomBytes(16).toString('base64') })).rejects.toThrow(/decodes to 16 bytes/);
    expect((await loadSecretKey({ LOADTESTER_ENCRYPTION_KEY: randomBytes(32).toString('base64') })).length).toBe(32);
  });

  it('refuses to start with a key that does not open the stored passwords', async () => {
    await upsert([rec('k', 1)]);
    await expect(startLoadTester({ port: 0, logger: false, env: { ...env, LOADTESTER_ENCRYPTION_KEY: randomBytes(32).toString('base64') } })).rejects.toThrow(
      /encryption key does not open the credentials already stored/,
    );
  });
});

describe('bad input is a 4xx with a JSON error, never a 5xx', () => {
  const ok = rec('bad', 1);
  const runShared = { password: 'p', population: 'bad', content_hash: 'h' };
  const run = (over: object = {}) => ({ prefix: 'r_', suffix: '', from: 1, to: 2, email_suffix: null, ...over });
  const cases: { name: string; method?: 'GET' | 'POST'; url: string; payload?: unknown; raw?: string; contentType?: string; status?: number; error?: string; mentions: string }[] = [
    { name: 'missing users', url: '/api/users/bulk-upsert', payload: {}, mentions: 'users' },
    { name: 'users not an array', url: '/api/users/bulk-upsert', payload: { users: 'x' }, mentions: 'users' },
    { name: 'empty users', url: '/api/users/bulk-upsert', payload: { users: [] }, mentions: 'users' },
    { name: 'username of the wrong type', url: '/api/users/bulk-upsert', payload: { users: [{ ...ok, username: 5 }] }, mentions: 'users[0].username' },
    { name: 'password missing', url: '/api/users/bulk-upsert', payload: { users: [ok, { ...ok, username: 'x', password: undefined }] }, mentions: 'users[1].password' },
    { name: 'password in neither the record nor shared', url: '/api/users/bulk-upsert', payload: { shared: { population: 'bad' }, users: [ok, { username: 'x', content_hash: 'h' }] }, mentions: 'users[1].password is missing, and "shared" gives none' },
    // The wording a reconciler reads to tell a Load Tester that predates a top-level field (LoadTesterTarget.upsert).
    { name: 'unknown top-level field', url: '/api/users/bulk-upsert', payload: { users: [ok], defaults: {} }, mentions: 'defaults is not a known field' },
    { name: 'shared: unknown field', url: '/api/users/bulk-upsert', payload: { shared: { username: 'x' }, users: [ok] }, mentions: 'shared.username' },
    { name: 'shared: content_hash empty', url: '/api/users/bulk-upsert', payload: { shared: { content_hash: '' }, users: [{ username: 'x', password: 'p', population: 'bad' }] }, mentions: 'shared.content_hash' },
    { name: 'shared: not an object', url: '/api/users/bulk-upsert', payload: { shared: [1], users: [ok] }, mentions: 'shared' },
    { name: 'shared: NUL in a password', url: '/api/users/bulk-upsert', payload: { shared: { password: 'a\u0000b' }, users: [{ username: 'x', population: 'bad', content_hash: 'h' }] }, mentions: 'users[0].password' },
    { name: 'runs: from after to', url: '/api/users/bulk-upsert', payload: { shared: runShared, runs: [run({ from: 5, to: 3 })] }, mentions: 'runs[0].from (5) is after runs[0].to (3)' },
    { name: 'runs: a negative seq', url: '/api/users/bulk-upsert', payload: { shared: runShared, runs: [run({ from: -1 })] }, mentions: 'runs[0].from' },
    { name: 'runs: a seq that is not an integer', url: '/api/users/bulk-upsert', payload: { shared: runShared, runs: [run({ to: 2.5 })] }, mentions: 'runs[0].to' },
    { name: 'runs: a field missing', url: '/api/users/bulk-upsert', payload: { shared: runShared, runs: [{ prefix: 'r', from: 1, to: 2, email_suffix: null }] }, mentions: 'runs[0]' },
    { name: 'runs: an unknown field', url: '/api/users/bulk-upsert', payload: { shared: runShared, runs: [run({ step: 2 })] }, mentions: 'runs[0].step' },
    { name: 'runs: no password in shared', url: '/api/users/bulk-upsert', payload: { shared: { population: 'bad', content_hash: 'h' }, runs: [run()] }, mentions: 'runs take password from "shared", which gives none' },
    { name: 'runs: no shared at all', url: '/api/users/bulk-upsert', payload: { runs: [run()] }, mentions: 'runs take password from "shared"' },
    { name: 'runs: usernames too long', url: '/api/users/bulk-upsert', payload: { shared: runShared, runs: [run({ prefix: 'p'.repeat(318), to: 100 })] }, mentions: 'runs[0] gives usernames of up to 321 characters; at most 320' },
    { name: 'runs: NUL in a suffix', url: '/api/users/bulk-upsert', payload: { shared: runShared, runs: [run({ suffix: 'a\u0000' })] }, mentions: 'runs[0].suffix must not contain NUL' },
    { name: 'runs: lone surrogate in a prefix', url: '/api/users/bulk-upsert', payload: { shared: runShared, runs: [run({ prefix: 'a\ud800' })] }, mentions: 'runs[0].prefix' },
    { name: 'runs: lone surrogate in the shared password', url: '/api/users/bulk-upsert', payload: { shared: { ...runShared, password: 'a\udc00' }, runs: [run()] }, mentions: 'shared.password' },
    { name: 'runs: overlapping', url: '/api/users/bulk-upsert', payload: { shared: runShared, runs: [run({ from: 1, to: 10 }), run({ from: 10, to: 12 })] }, error: 'duplicate_username', mentions: 'runs[1] gives the username "r_10", which runs[0] gives too' },
    { name: 'runs: a username also in users', url: '/api/users/bulk-upsert', payload: { shared: runShared, runs: [run({ from: 1, to: 3 })], users: [{ username: 'r_2' }] }, error: 'duplicate_username', mentions: 'runs[0] gives the username "r_2", which users[0] gives too' },
    { name: 'runs: two patterns giving one username', url: '/api/users/bulk-upsert', payload: { shared: runShared, runs: [run({ prefix: 'r_1', from: 1, to: 3 }), run({ from: 11, to: 11 })] }, error: 'duplicate_username', mentions: 'runs[1] gives the username "r_11"' },
    { name: 'runs: 10,001 records with users', url: '/api/users/bulk-upsert', payload: { shared: runShared, runs: [run({ from: 1, to: 10_000 })], users: [{ username: 'x' }] }, mentions: 'the batch holds 10001 records (users and runs together); at most 10000' },
    { name: 'attributes not an object', url: '/api/users/bulk-upsert', payload: { users: [{ ...ok, attributes: [1] }] }, mentions: 'users[0].attributes' },
    { name: 'email a number', url: '/api/users/bulk-upsert', payload: { users: [{ ...ok, email: 1 }] }, mentions: 'users[0].email' },
    { name: 'unknown field', url: '/api/users/bulk-upsert', payload: { users: [{ ...ok, passwrd: 'x' }] }, mentions: 'users[0].passwrd' },
    { name: 'content_hash too long', url: '/api/users/bulk-upsert', payload: { users: [{ ...ok, content_hash: 'h'.repeat(129) }] }, mentions: 'users[0].content_hash' },
    { name: 'username too long', url: '/api/users/bulk-upsert', payload: { users: [{ ...ok, username: 'u'.repeat(321) }] }, mentions: 'users[0].username' },
    { name: 'empty username', url: '/api/users/bulk-upsert', payload: { users: [{ ...ok, username: '' }] }, mentions: 'users[0].username' },
    { name: '10,001 records', url: '/api/users/bulk-upsert', payload: { users: Array.from({ length: 10_001 }, (_, i) => rec('many', i)) }, mentions: 'users' },
    { name: 'duplicate usernames', url: '/api/users/bulk-upsert', payload: { users: [rec('dup', 1), rec('dup', 2), rec('dup', 1, { content_hash: 'x' })] }, error: 'duplicate_username', mentions: 'users[2].username' },
    { name: 'NUL in a username', url: '/api/users/bulk-upsert', payload: { users: [{ ...ok, username: 'a\u0000b' }] }, mentions: 'users[0].username must not contain NUL' },
    { name: 'lone surrogate in a password', url: '/api/users/bulk-upsert', payload: { users: [{ ...ok, password: 'a\ud800b' }] }, mentions: 'users[0].password' },
    { name: 'NUL inside attributes', url: '/api/users/bulk-upsert', payload: { users: [{ ...ok, attributes: { a: 'x\u0000y' } }] }, error: 'invalid_value', mentions: 'PostgreSQL' },
    { name: 'not JSON', url: '/api/users/bulk-upsert', raw: '{"users": [', contentType: 'application/json', error: 'invalid_json', mentions: 'JSON' },
    { name: 'empty JSON body', url: '/api/users/bulk-upsert', raw: '', contentType: 'application/json', error: 'invalid_json', mentions: 'empty' },
    { name: 'JSON null body', url: '/api/users/bulk-upsert', raw: 'null', contentType: 'application/json', mentions: 'body' },
    { name: 'text/plain body', url: '/api/users/bulk-upsert', raw: 'users', contentType: 'text/plain', status: 415, error: 'unsupported_media_type', mentions: 'application/json' },
    { name: 'delete: no usernames', url: '/api/users/bulk-delete', payload: { usernames: [] }, mentions: 'usernames' },
    { name: 'delete: wrong type', url: '/api/users/bulk-delete', payload: { usernames: [1] }, mentions: 'usernames[0]' },
    { name: 'delete: 10,001 names', url: '/api/users/bulk-delete', payload: { usernames: Array.from({ length: 10_001 }, (_, i) => `u${i}`) }, mentions: 'usernames' },
    { name: 'digest: buckets=3', method: 'GET', url: '/api/users/digest?population=a&buckets=3', mentions: 'buckets' },
    { name: 'digest: buckets=0', method: 'GET', url: '/api/users/digest?population=a&buckets=0', mentions: 'buckets' },
    { name: 'digest: buckets=131072', method: 'GET', url: '/api/users/digest?population=a&buckets=131072', mentions: 'buckets' },
    { name: 'digest: buckets=abc', method: 'GET', url: '/api/users/digest?population=a&buckets=abc', mentions: 'buckets' },
    { name: 'digest: buckets without population', method: 'GET', url: '/api/users/digest?buckets=16', mentions: 'population' },
    { name: 'digest: empty population', method: 'GET', url: '/api/users/digest?population=', mentions: 'population' },
    { name: 'digest: unknown parameter', method: 'GET', url: '/api/users/digest?populaton=a', mentions: 'populaton' },
    { name: 'bucket: missing bucket', method: 'GET', url: '/api/users/bucket?population=a&buckets=16', mentions: 'bucket' },
    { name: 'bucket: bucket out of range', method: 'GET', url: '/api/users/bucket?population=a&buckets=16&bucket=16', mentions: 'bucket' },
    { name: 'bucket: negative bucket', method: 'GET', url: '/api/users/bucket?population=a&buckets=16&bucket=-1', mentions: 'bucket' },
    { name: 'bucket: one of a list out of range', method: 'GET', url: '/api/users/bucket?population=a&buckets=16&bucket=1,16,2', mentions: 'got 16' },
    { name: 'bucket: not a list of numbers', method: 'GET', url: '/api/users/bucket?population=a&buckets=16&bucket=1,,2', mentions: 'bucket' },
    { name: 'bucket: more than 512 in one listing', method: 'GET', url: `/api/users/bucket?population=a&buckets=1024&bucket=${Array.from({ length: 513 }, (_, i) => i).join(',')}`, mentions: 'at most 512' },
    { name: 'export: bad format', method: 'GET', url: '/api/users/export?format=xml', mentions: 'format' },
    { name: 'export: no format', method: 'GET', url: '/api/users/export', mentions: 'format' },
    { name: 'export: slice without slices', method: 'GET', url: '/api/users/export?format=csv&slice=1', mentions: 'slices' },
    { name: 'export: slice = slices', method: 'GET', url: '/api/users/export?format=csv&slice=4&slices=4', mentions: 'slice' },
    { name: 'export: slices=1025', method: 'GET', url: '/api/users/export?format=csv&slice=0&slices=1025', mentions: 'slices' },
    { name: 'export: NUL in population', method: 'GET', url: '/api/users/export?format=csv&population=a%00b', mentions: 'query parameter "population" must not contain NUL' },
    { name: 'unknown route', method: 'GET', url: '/api/users/nope', status: 404, error: 'not_found', mentions: '/api/users/nope' },
  ];

  // Records that a wrongly accepted upsert would change and a wrongly accepted delete would
  // remove: every refusal below is checked against a snapshot (xmin included) taken just
  // before its own request.
  beforeEach(async () => {
    await upsert([ok, rec('dup', 1), rec('many', 0), rec('x', 1, { username: 'x' }), rec('u', 0, { username: 'u0' })]);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const before = await snapshot();
      const res = await inj(app, {
        method: c.method ?? 'POST',
        url: c.url,
        ...(c.raw !== undefined ? { payload: c.raw, headers: { 'content-type': c.contentType! } } : c.payload !== undefined ? { payload: c.payload as object } : {}),
      });
      expect(res.statusCode, res.body).toBe(c.status ?? 400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(['error', 'message']);
      expect(body.error).toBe(c.error ?? (c.status === 404 ? 'not_found' : 'invalid_request'));
      expect(typeof body.message).toBe('string');
      expect(body.message).toContain(c.mentions);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('refuses a body over the size limit with 413', async () => {
    const big = JSON.stringify({ users: [{ ...ok, attributes: { blob: 'x'.repeat(21 * 1024 * 1024) } }] });
    const before = await snapshot();
    const res = await inj(app, { method: 'POST', url: '/api/users/bulk-upsert', payload: big, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'payload_too_large' });
    expect(await snapshot()).toEqual(before);
  });

  it('the snapshot check sees a write: an accepted request changes it', async () => {
    const before = await snapshot();
    expect((await post('/api/users/bulk-delete', { usernames: ['u0'] })).status).toBe(200);
    expect(await snapshot()).not.toEqual(before);
  });
});

describe('logging', () => {
  it('redacts passwords even from a logger configured without redaction', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logged = await buildLoadTesterApp({ db, secretKey: randomBytes(32), logger: pino({ level: 'trace' }, sink), tokens: TOKENS });
    logged.log.info({ users: [{ username: 'a', password: 'hunter2' }], password: 'hunter3' }, 'payload');
    await inj(logged, { method: 'POST', url: '/api/users/bulk-upsert', payload: { users: [{ ...rec('log', 1), password: 'hunter4', username: 5 }] } });
    await logged.close();
    const text = lines.join('');
    expect(text).toContain('[redacted]');
    expect(text).not.toMatch(/hunter[234]/);
  });
});

describe('loadtester command', () => {
  it('starts, prints its URL, and stops gracefully when asked', async () => {
    let out = '';
    const stop = new AbortController();
    const program = new Command('bulk-users').exitOverride();
    registerLoadTesterCommand(program, { stdout: (t) => (out += t), env: { ...env, LOADTESTER_PORT: '0' }, logger: silentLogger, stopSignal: stop.signal });
    const running = program.parseAsync(['loadtester', '--host', '127.0.0.1'], { from: 'user' });
    for (let i = 0; i < 200 && !out.includes('listening'); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (\S+)/.exec(out)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await authFetch(`${url}/api/health`)).status).toBe(200);
    stop.abort();
    await running;
    expect(out).toContain('Load Tester stopped');
    await expect(authFetch(`${url}/api/health`)).rejects.toThrow();
  });

  it('rejects a bad --port', async () => {
    const program = new Command('bulk-users').exitOverride();
    registerLoadTesterCommand(program, { stdout: () => {}, env, logger: silentLogger });
    await expect(program.parseAsync(['loadtester', '--port', 'http'], { from: 'user' })).rejects.toThrow(/--port must be a port number/);
  });
});
