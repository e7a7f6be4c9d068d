/**
 * Review of runs (records named by a pattern): a hostile client of the Load Tester's
 * bulk upsert, and the reconciler's full sync cutting runs into chunks.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildLoadTesterApp } from '../../src/loadtester/buildLoadTesterApp.ts';
import type { LoadTesterDatabase } from '../../src/loadtester/loadTesterSchema.ts';
import { migrateLoadTester } from '../../src/loadtester/migrateLoadTester.ts';
import { loadSecretKey } from '../../src/loadtester/secretBox.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import type { SyncTargetSpec } from '../../src/spec/DesiredState.ts';
import { LoadTesterTarget } from '../../src/targets/loadtester/LoadTesterTarget.ts';
import { Ajv } from 'ajv';
import { describeValidationError } from '../../src/http/describeValidationError.ts';
import { upsertBody } from '../../src/loadtester/routeSchemas.ts';
import { applySync } from '../../src/apply/applySync.ts';
import { EmbeddedUsersStore } from '../../src/db/userStore/EmbeddedUsersStore.ts';
import { syncSpecs } from '../support/syncSpecs.ts';
import { startUpsertProxy } from '../support/upsertProxy.ts';
import { useDatabasesWithLoadTester } from '../support/loadTesterFixture.ts';
import { createTestDatabase, syncStateDuplicates, syncSummaryAndTruth, type TestDatabase } from '../support/testDatabase.ts';

const WRITE_TOKEN = randomBytes(32).toString('base64url');
const AUTH = { authorization: `Bearer ${WRITE_TOKEN}` };

let tdb: TestDatabase;
let db: Kysely<LoadTesterDatabase>;
let app: FastifyInstance;

beforeAll(async () => {
  tdb = await createTestDatabase();
  const env = { LOADTESTER_DATABASE_URL: tdb.url, BULK_USERS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bu-review4-')), LOADTESTER_TOKEN: WRITE_TOKEN };
  const pool = new pg.Pool({ connectionString: tdb.url, max: 4 });
  pool.on('error', () => {});
  db = new Kysely<LoadTesterDatabase>({ dialect: new PostgresDialect({ pool }) });
  await migrateLoadTester(db);
  app = await buildLoadTesterApp({ db, pool, secretKey: await loadSecretKey(env), logger: false, version: '9.9.9-test', tokens: { write: WRITE_TOKEN } });
});
afterAll(async () => {
  await app?.close();
  await db?.destroy();
  await tdb?.drop();
});
beforeEach(async () => {
  await tdb.query('TRUNCATE loadtester.credentials');
});

async function postRaw(body: string) {
  const res = await app.inject({ method: 'POST', url: '/api/users/bulk-upsert', payload: body, headers: { ...AUTH, 'content-type': 'application/json' } });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}
const post = (body: unknown) => postRaw(JSON.stringify(body));

const shared = { password: 'pw', population: 'rv', content_hash: 'h1', attributes: { k: 1 } };
const run = (over: object = {}) => ({ prefix: 'rv_', suffix: '', from: 1, to: 3, email_suffix: '@x.example', ...over });
const stored = () => tdb.query<{ username: string; email: string | null; population: string; content_hash: string }>(`SELECT username, email, population, content_hash FROM loadtester.credentials ORDER BY username COLLATE "C"`);

describe('bad runs are a 400 naming the field, and store nothing', () => {
  const MAX = Number.MAX_SAFE_INTEGER;
  const cases: { name: string; body?: unknown; raw?: string; error?: string; mentions: string }[] = [
    { name: 'a huge to with a long prefix', body: { shared, runs: [run({ prefix: 'p'.repeat(310), from: 0, to: MAX })] }, mentions: 'runs[0] gives usernames of up to' },
    { name: 'to past 2^53 - 1', body: { shared, runs: [run({ from: MAX, to: MAX + 1 })] }, mentions: 'runs[0].to' },
    { name: 'runs whose sizes sum past 10,000', body: { shared, runs: Array.from({ length: 3 }, (_, i) => run({ prefix: `s${i}_`, from: 0, to: MAX })) }, mentions: 'at most 10000' },
    { name: 'many one-record runs past 10,000', body: { shared, runs: Array.from({ length: 10_001 }, (_, i) => run({ prefix: `m${i}_`, from: 1, to: 1 })) }, mentions: 'runs' },
    { name: 'NUL in email_suffix', body: { shared, runs: [run({ email_suffix: '@a\u0000' })] }, mentions: 'runs[0].email_suffix' },
    { name: 'lone surrogate in email_suffix', body: { shared, runs: [run(), run({ prefix: 'o_', email_suffix: '@\udc00' })] }, mentions: 'runs[1].email_suffix' },
    { name: 'a run field of the wrong type', body: { shared, runs: [run({ prefix: null })] }, mentions: 'runs[0].prefix' },
    { name: 'a seq given as a string', body: { shared, runs: [run({ from: '1' })] }, mentions: 'runs[0].from' },
    { name: 'an empty runs array and no users', body: { shared, runs: [] }, mentions: 'runs' },
    { name: 'shared with a null password', body: { shared: { ...shared, password: null }, runs: [run()] }, mentions: 'shared.password' },
    { name: 'shared with a null population', body: { shared: { ...shared, population: null }, runs: [run()] }, mentions: 'shared.population' },
    { name: 'shared with a null content_hash', body: { shared: { ...shared, content_hash: null }, runs: [run()] }, mentions: 'shared.content_hash' },
    { name: 'shared missing', body: { runs: [run()] }, mentions: 'shared' },
    { name: '__proto__ inside a run', raw: `{"shared": ${JSON.stringify(shared)}, "runs": [{"prefix": "a", "suffix": "", "from": 1, "to": 2, "email_suffix": null, "__proto__": {"x": 1}}]}`, mentions: '' },
    { name: 'a user clashing with a run, with fields of its own', body: { shared, runs: [run()], users: [{ username: 'rv_2', content_hash: 'other', email: null }] }, error: 'duplicate_username', mentions: 'runs[0] gives the username "rv_2", which users[0] gives too' },
    { name: 'two patterns giving one username', body: { shared, runs: [run({ prefix: 'rv_1', suffix: '', from: 5, to: 5 }), run({ prefix: 'rv_', suffix: '5', from: 1, to: 1 })] }, error: 'duplicate_username', mentions: 'rv_15' },
    { name: 'an unpaired surrogate inside shared attributes', body: { shared: { ...shared, attributes: { note: 'a\ud800' } }, runs: [run()] }, error: 'invalid_value', mentions: 'PostgreSQL' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await tdb.query(`INSERT INTO loadtester.credentials (username, population, email, password_enc, content_hash) VALUES ('keep', 'k', NULL, 'x', 'h')`).catch(() => {});
      const before = await stored();
      const res = c.raw !== undefined ? await postRaw(c.raw) : await post(c.body);
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
      expect(res.body.error).toBe(c.error ?? (res.body.error === 'invalid_json' ? 'invalid_json' : 'invalid_request'));
      expect(String(res.body.message)).toContain(c.mentions);
      expect(await stored()).toEqual(before);
    });
  }
});

describe('runs store what they spell out', () => {
  it('seqs at 2^53 - 1 are written as JavaScript writes them', async () => {
    const MAX = Number.MAX_SAFE_INTEGER;
    const res = await post({ shared, runs: [run({ from: MAX - 1, to: MAX, email_suffix: null })] });
    expect(res).toEqual({ status: 200, body: { inserted: 2, updated: 0, unchanged: 0 } });
    expect((await stored()).map((r) => [r.username, r.email])).toEqual([
      [`rv_${MAX - 1}`, null],
      [`rv_${MAX}`, null],
    ]);
  });

  it('seqs written as -0 and 1e1 in the JSON are the integers 0 and 10', async () => {
    const res = await postRaw(`{"shared": ${JSON.stringify(shared)}, "runs": [{"prefix": "z_", "suffix": "", "from": -0, "to": 1, "email_suffix": null}, {"prefix": "z_", "suffix": "", "from": 1e1, "to": 1.1e1, "email_suffix": null}]}`);
    expect(res).toEqual({ status: 200, body: { inserted: 4, updated: 0, unchanged: 0 } });
    expect((await stored()).map((r) => r.username)).toEqual(['z_0', 'z_1', 'z_10', 'z_11']);
  });

  it('non-ASCII prefixes and suffixes, with the digest of the records spelled out', async () => {
    const r = run({ prefix: 'ü😀_', suffix: '_Ω', from: 9, to: 11, email_suffix: '@ä.example' });
    expect((await post({ shared, runs: [r] })).status).toBe(200);
    const names = [9, 10, 11].map((s) => `ü😀_${s}_Ω`);
    expect(await stored()).toEqual(names.map((u) => ({ username: u, email: `${u}@ä.example`, population: 'rv', content_hash: 'h1' })).sort((a, b) => Buffer.compare(Buffer.from(a.username), Buffer.from(b.username))));
    let sum = 0n;
    for (const u of names) sum += createHash('md5').update(`${u}:h1`, 'utf8').digest().readBigInt64BE(0);
    const two64 = 1n << 64n;
    const res = await app.inject({ method: 'GET', url: '/api/users/digest?population=rv', headers: AUTH });
    expect(res.json()).toEqual({ population: 'rv', count: 3, digest: (((sum % two64) + two64) % two64).toString() });
    // The export: the same records, in byte order, with the password sent, and no e-mail for a null email_suffix.
    expect((await post({ shared: { ...shared, population: 'rw' }, runs: [run({ prefix: 'é_', suffix: '', from: 8, to: 10, email_suffix: null })] })).status).toBe(200);
    const exported = await app.inject({ method: 'GET', url: '/api/users/export?format=k6-json', headers: AUTH });
    expect(exported.json()).toEqual([
      ...[10, 11, 9].map((s) => ({ username: `ü😀_${s}_Ω`, password: 'pw', email: `ü😀_${s}_Ω@ä.example`, population: 'rv' })),
      ...[10, 8, 9].map((s) => ({ username: `é_${s}`, password: 'pw', email: null, population: 'rw' })),
    ]);
  });

  it('counts exactly when runs are spelled out beside records of other fields and some names are held', async () => {
    await post({ shared, runs: [run({ from: 4, to: 4 })] });
    await post({ shared: { ...shared, content_hash: 'old' }, runs: [run({ from: 6, to: 6 })] });
    const res = await post({ shared, runs: [run({ from: 1, to: 8 })], users: [{ username: 'other', content_hash: 'h2', attributes: null, email: null }] });
    expect(res.body).toEqual({ inserted: 7, updated: 1, unchanged: 1 });
    expect((await stored()).map((r) => [r.username, r.content_hash])).toEqual([...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => [`rv_${i}`, 'h1']), ['other', 'h2']].sort());
  });

  it('counts held names inside runs and records beside them exactly', async () => {
    await post({ shared, runs: [run({ from: 5, to: 5 })] });
    await post({ shared: { ...shared, content_hash: 'old' }, runs: [run({ from: 7, to: 7 })] });
    const res = await post({ shared, runs: [run({ from: 1, to: 10 })], users: [{ username: 'own', email: null }] });
    expect(res.body).toEqual({ inserted: 9, updated: 1, unchanged: 1 });
    expect(await stored()).toHaveLength(11);
  });
});

// ---------------------------------------------------------------------------------------
// The reconciler: members that break the pattern mid-window, chunks smaller than a range.

describe('a full sync by runs leaves the Load Tester holding exactly the members', () => {
  const PASSWORD = 'Review4-Plain-Pass';
  const LT_TOKEN = 'review4-write-token-0123456789abcdef';
  const fx = useDatabasesWithLoadTester({ LOADTESTER_ENCRYPTION_KEY: Buffer.alloc(32, 4).toString('base64'), LOADTESTER_TOKEN: LT_TOKEN });
  beforeEach(async () => {
    await fx.db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs, bulk_sync_state, bulk_sync_ranges, bulk_targets, bulk_user_range_digest RESTART IDENTITY');
    await fx.ltDb.query('TRUNCATE loadtester.credentials');
  });

  const target = (chunkSize: number, url = fx.lt.url, concurrency = 2) => ({ name: 'lt', spec: { type: 'loadtester', url, timeoutSeconds: 5, retry: { attempts: 2, delaySeconds: 0.02 }, chunkSize, concurrency } });
  async function reconcileWith(state: ReturnType<typeof syncSpecs>) {
    const spec = state.targets.find((t) => t.type === 'loadtester') as SyncTargetSpec | undefined;
    const drivers = new Map<string, LoadTesterTarget>();
    if (spec) drivers.set(spec.name, new LoadTesterTarget(spec, undefined, { LOADTESTER_TOKEN: LT_TOKEN }));
    const result = await reconcile(fx.db.database, { state, dryRun: false, env: { SYNC_PW: PASSWORD }, logger: silentLogger, planOptions: { maxDeletePercent: 100, allowMassDelete: true }, drivers });
    return { result, stats: spec ? drivers.get(spec.name)!.stats : undefined };
  }
  async function expectTargetIsDatabase(): Promise<void> {
    const inDb = await fx.db.query(`SELECT username, email, population, content_hash FROM users WHERE is_test_user ORDER BY username COLLATE "C"`);
    const inLt = await fx.ltDb.query(`SELECT username, email, population, content_hash FROM loadtester.credentials ORDER BY username COLLATE "C"`);
    expect(inLt).toEqual(inDb);
    const inState = await fx.db.query(`SELECT username, population, content_hash FROM bulk_sync_records WHERE target = 'lt' ORDER BY username COLLATE "C"`);
    expect(inState).toEqual(inDb.map(({ username, population, content_hash }) => ({ username, population, content_hash })));
    const { summary, truth } = await syncSummaryAndTruth(fx.db);
    expect(summary).toEqual(truth);
    expect(await syncStateDuplicates(fx.db)).toEqual([]);
  }

  for (const chunkSize of [1, 5, 16, 17, 100]) {
    it(`members off the pattern mid-window, chunkSize ${chunkSize}`, async () => {
      const pops = [
        { name: 'ra', count: 230, targets: ['lt'] },
        { name: 'rb', count: 40, pattern: 'rb+{id}@b.example', targets: ['lt'] },
      ];
      // Created without the target first, then made irregular where only SQL can: the sync
      // must send exactly what the table holds.
      expect((await reconcileWith(syncSpecs(pops.map((p) => ({ ...p, targets: [] })), []))).result.outcome).toBe('applied');
      await fx.db.query(`UPDATE users SET email = 'someone@else.example' WHERE population = 'ra' AND seq IN (20, 21, 100)`);
      await fx.db.query(`UPDATE users SET email = NULL WHERE population = 'ra' AND seq = 150`);
      await fx.db.query(`UPDATE users SET username = 'ra_odd_' || seq WHERE population = 'ra' AND seq IN (40, 41)`);
      await fx.db.query(`DELETE FROM users WHERE population = 'ra' AND seq BETWEEN 60 AND 62`);
      await fx.db.query(`UPDATE users SET email = 'rb+' || seq || '@b.example.org' WHERE population = 'rb' AND seq = 30`);
      const state = syncSpecs(pops, [target(chunkSize)]);
      const first = await reconcileWith(state);
      expect(first.result.outcome).toBe('applied');
      // The irregular members are still there: the sync had to send them as they are.
      expect(await fx.db.query(`SELECT seq::int AS seq FROM users WHERE population = 'ra' AND (email IS DISTINCT FROM username || '@example.com' OR username <> 'ra_' || seq) ORDER BY seq`)).toEqual(
        [20, 21, 100, 150].map((seq) => ({ seq })),
      );
      await expectTargetIsDatabase();
      const again = await reconcileWith(state);
      expect(again.stats).toMatchObject({ recordsUpserted: 0, recordsDeleted: 0 });
      await expectTargetIsDatabase();
    });
  }

  it('a population whose usernames another population held before: the target ends up with the new one only', async () => {
    const state = syncSpecs([{ name: 'old', count: 300, pattern: 'same_{id}', targets: ['lt'] }], [target(50)]);
    expect((await reconcileWith(state)).result.outcome).toBe('applied');
    await expectTargetIsDatabase();
    const moved = syncSpecs([{ name: 'new', count: 320, pattern: 'same_{id}', attributes: { v: 2 }, targets: ['lt'] }], [target(50)]);
    expect((await reconcileWith(moved)).result.outcome).toBe('applied');
    await expectTargetIsDatabase();
    expect((await reconcileWith(moved)).stats).toMatchObject({ recordsUpserted: 0, recordsDeleted: 0 });
  });

  it('runs across windows (2,500 members each) cut into chunks of 7', async () => {
    const state = syncSpecs([{ name: 'wide', count: 2600, targets: ['lt'] }], [target(7)]);
    expect((await reconcileWith(syncSpecs([{ name: 'wide', count: 2600 }], []))).result.outcome).toBe('applied');
    await fx.db.query(`UPDATE users SET email = NULL WHERE population = 'wide' AND seq IN (2499, 2502)`);
    const first = await reconcileWith(state);
    expect(first.stats?.recordsUpserted).toBe(2600);
    await expectTargetIsDatabase();
    expect((await reconcileWith(state)).stats).toMatchObject({ recordsUpserted: 0, recordsDeleted: 0 });
  });

  // Found by review: a Load Tester from before runs required `users`, and Ajv names a missing
  // required property before an unknown one, so a body of runs alone (every chunk of a first
  // sync) was answered `users is required`, not `runs is not a known field`: the reconciler
  // took that for a refusal of the records and the sync failed. The older services are
  // played by their own schemas and error wording, not a hand-written message.
  const older = {
    'from before runs': { ...upsertBody, required: ['users'], properties: { shared: upsertBody.properties.shared, users: upsertBody.properties.users } },
    'from before shared fields': { ...upsertBody, required: ['users'], properties: { users: upsertBody.properties.users } },
  };
  for (const [version, schema] of Object.entries(older)) {
    it(`syncs to a Load Tester ${version}, whose schema required users`, async () => {
      const validate = new Ajv({ allErrors: false, strict: true }).compile(schema);
      const proxy = await startUpsertProxy(fx.lt.url, (body) =>
        validate(body) ? undefined : { status: 400, body: JSON.stringify({ error: 'invalid_request', message: describeValidationError(undefined, validate.errors![0]!) }) },
      );
      try {
        // One chunk at a time, so the first is the only one sent with runs.
        const state = syncSpecs([{ name: 'old', count: 100, targets: ['lt'] }], [target(40, proxy.url, 1)]);
        const first = await reconcileWith(state);
        expect(first.result.outcome).toBe('applied');
        expect(first.stats?.recordsUpserted).toBe(100);
        await expectTargetIsDatabase();
        // The first chunk was tried with runs alone and refused; the rest went as records.
        expect((proxy.upserts[0] as object)).not.toHaveProperty('users');
        expect(proxy.upserts.slice(1).every((b) => !('runs' in (b as object)))).toBe(true);
      } finally {
        await proxy.close();
      }
    });
  }

  it('names the Load Tester already holds inside a run (from elsewhere, or a lost sync state) are rewritten, not duplicated', async () => {
    const state = syncSpecs([{ name: 'held', count: 200, targets: ['lt'] }], [target(64)]);
    expect((await reconcileWith(syncSpecs([{ name: 'held', count: 200 }], []))).result.outcome).toBe('applied');
    // Inside what will be runs: one record of another population and content, one of ours in an old version.
    await fx.ltDb.query(`INSERT INTO loadtester.credentials (username, population, email, password_enc, content_hash) VALUES ('held_50', 'foreign', NULL, 'x', 'f'), ('held_130', 'held', NULL, 'x', 'old')`);
    const first = await reconcileWith(state);
    expect(first.result.outcome).toBe('applied');
    await expectTargetIsDatabase();
    // The sync state lost, the Load Tester full: sent again as runs, every name is held.
    await fx.db.query('TRUNCATE bulk_sync_state, bulk_sync_ranges');
    await fx.ltDb.query(`UPDATE loadtester.credentials SET content_hash = 'stale' WHERE username = 'held_77'`);
    await reconcileWith(state);
    await expectTargetIsDatabase();
    expect((await reconcileWith(state)).stats).toMatchObject({ recordsUpserted: 0, recordsDeleted: 0 });
  });

  it('a chunk spanning two windows of other contents: runs of each with their own hash and attributes', async () => {
    // Written straight into the users table (a reconcile would rewrite the contents to the
    // spec's): content A up to seq 2500, B after, so the window from 2501 starts with B;
    // one member of a third content and one with another address inside the runs.
    await fx.db.query(`
      INSERT INTO users (username, email, password_hash, is_test_user, population, seq, content_hash, attributes)
      SELECT 'mix_' || s, CASE WHEN s = 2600 THEN 'x@y.example' ELSE 'mix_' || s || '@x.example' END, 'x', true, 'mix', s,
             CASE WHEN s = 2450 THEN 'C' WHEN s <= 2500 THEN 'A' ELSE 'B' END,
             CASE WHEN s = 2450 THEN '{"v": "c"}' WHEN s <= 2500 THEN '{"v": "a"}' ELSE '{"v": "b"}' END::jsonb
      FROM generate_series(1, 3000) s`);
    const spec = syncSpecs([], [target(300)]).targets[0]!;
    const driver = new LoadTesterTarget(spec, undefined, { LOADTESTER_TOKEN: LT_TOKEN });
    const result = await applySync(
      fx.db.database.db,
      {
        spec,
        driver,
        plan: { name: 'lt', type: 'loadtester', upsert: 3000, delete: 0, drift: 0, populations: [{ population: 'mix', upsert: 3000, delete: 0 }] },
        populations: ['mix'],
        shapes: new Map([['mix', { prefix: 'mix_', suffix: '', emailSuffix: '@x.example' }]]),
        frozen: [],
        scanForExtras: false,
      },
      { store: new EmbeddedUsersStore(), passwords: new Map([['mix', PASSWORD]]), logger: silentLogger },
    );
    expect(result).toMatchObject({ upserted: 3000, deleted: 0 });
    expect(result.error).toBeUndefined();
    expect(driver.stats.recordsUpserted).toBe(3000);
    const inDb = await fx.db.query(`SELECT username, email, population, content_hash, attributes FROM users ORDER BY username COLLATE "C"`);
    expect(await fx.ltDb.query(`SELECT username, email, population, content_hash, attributes FROM loadtester.credentials ORDER BY username COLLATE "C"`)).toEqual(inDb);
    expect(await fx.db.query(`SELECT username, population, content_hash FROM bulk_sync_records WHERE target = 'lt' ORDER BY username COLLATE "C"`)).toEqual(
      inDb.map(({ username, population, content_hash }) => ({ username, population, content_hash })),
    );
    const { summary, truth } = await syncSummaryAndTruth(fx.db);
    expect(summary).toEqual(truth);
  });
});
