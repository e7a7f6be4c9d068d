/**
 * Properties of the full sync's throughput work that a review checked end to end: windows
 * hand back rows as the users table has them (NULL content hashes included), `shared` is
 * validated like whole records, a refusal about the records is not taken for an older Load
 * Tester, and deciding that a target holds exactly the members never says "in sync"
 * wrongly nor remembers a wrong digest.
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextUnsyncedWindow } from '../../src/db/syncQueries.ts';
import { EmbeddedUsersStore } from '../../src/db/userStore/EmbeddedUsersStore.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { reconcile } from '../../src/reconcile/reconcile.ts';
import type { SyncTargetSpec } from '../../src/spec/DesiredState.ts';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { LoadTesterTarget } from '../../src/targets/loadtester/LoadTesterTarget.ts';
import type { TargetRecord } from '../../src/targets/SyncTargetDriver.ts';
import { syncSpecs, type SyncPop } from '../support/syncSpecs.ts';
import { useDatabasesWithLoadTester } from '../support/loadTesterFixture.ts';
import { startUpsertProxy } from '../support/upsertProxy.ts';
import { syncStateDuplicates, syncSummaryAndTruth } from '../support/testDatabase.ts';

const PASSWORD = 'Review13-Plain-Pass';
const LT_TOKEN = 'review13-write-token-0123456789abcdef';
const TOKEN_ENV: NodeJS.ProcessEnv = { LOADTESTER_TOKEN: LT_TOKEN };
const store = new EmbeddedUsersStore();

const fx = useDatabasesWithLoadTester({ LOADTESTER_ENCRYPTION_KEY: Buffer.alloc(32, 13).toString('base64'), LOADTESTER_TOKEN: LT_TOKEN });
beforeEach(async () => {
  await fx.db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs, bulk_sync_state, bulk_sync_ranges, bulk_targets, bulk_user_range_digest RESTART IDENTITY');
  await fx.ltDb.query('TRUNCATE loadtester.credentials');
});

async function ltPost(path: string, body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${fx.lt.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${LT_TOKEN}`, 'content-type': 'application/json' }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------
describe('nextUnsyncedWindow hands back each row as the users table has it', () => {
  const insert = (rows: { seq: number; hash: string | null; attrs: string | null }[]) =>
    fx.db.query(
      `INSERT INTO users (username, email, password_hash, is_test_user, population, seq, content_hash, attributes)
       SELECT 'nul_' || x.seq, NULL, 'x', true, 'nul', x.seq, x.hash, x.attrs::jsonb
       FROM unnest($1::int[], $2::text[], $3::text[]) AS x(seq, hash, attrs)`,
      [rows.map((r) => r.seq), rows.map((r) => r.hash), rows.map((r) => r.attrs)],
    );
  const read = async () => {
    const expected = await fx.db.query(`SELECT seq::int AS seq, content_hash, attributes FROM users WHERE population = 'nul' ORDER BY seq`);
    const w = await nextUnsyncedWindow(fx.db.database.db, store, 'lt', 'nul', { prefix: 'nul_', suffix: '' }, 0, 100);
    return { expected, got: w.rows.map((r) => ({ seq: Number(r.seq), content_hash: r.content_hash, attributes: r.attributes })) };
  };

  // Found by review: the SELECT turned a NULL content hash that differs from the first
  // row's into '' (coalesce(h.content_hash, '')), and the client keeps it: a row with no
  // content hash comes back with the empty string, which the row never had.
  it('a NULL content hash after a first row that has one comes back NULL, not ""', async () => {
    await insert([
      { seq: 1, hash: 'common', attrs: '{"a":1}' },
      { seq: 2, hash: null, attrs: null },
      { seq: 3, hash: 'common', attrs: '{"a":1}' },
    ]);
    const { expected, got } = await read();
    expect(got).toEqual(expected);
  });

  // Found by review, for the same reason: with the first row's hash NULL, `h.content_hash =
  // f.content_hash` is never true, so every NULL-hash row is sent as ''.
  it('a first row with a NULL content hash, and others like it, come back NULL', async () => {
    await insert([
      { seq: 1, hash: null, attrs: '{"b":2}' },
      { seq: 2, hash: null, attrs: '{"b":2}' },
      { seq: 3, hash: 'h', attrs: null },
    ]);
    const { expected, got } = await read();
    expect(got).toEqual(expected);
  });

  it('members exactly as the pattern gives them come as runs of at least 16, the rest as rows', async () => {
    // seq 20's address is not the pattern's, seq 30 has other content: each breaks a run,
    // and the 10 members between them are too few for one.
    await fx.db.query(
      `INSERT INTO users (username, email, password_hash, is_test_user, population, seq, content_hash, attributes)
       SELECT 'nul_' || s, CASE WHEN s = 20 THEN 'someone@else.example' ELSE 'nul_' || s || '@x.example' END, 'x', true, 'nul', s,
              CASE WHEN s = 30 THEN 'h2' ELSE 'h' END, '{"k":1}'::jsonb
       FROM generate_series(1, 50) s`,
    );
    const shape = { prefix: 'nul_', suffix: '' };
    const w = await nextUnsyncedWindow(fx.db.database.db, store, 'lt', 'nul', shape, 0, 100, '@x.example');
    expect(w.runs).toEqual([
      { lo: 1, hi: 19, content_hash: 'h', attributes: { k: 1 } },
      { lo: 31, hi: 50, content_hash: 'h', attributes: { k: 1 } },
    ]);
    expect(w.rows.map((r) => [r.seq, r.email, r.content_hash])).toEqual(
      Array.from({ length: 11 }, (_, i) => 20 + i).map((s) => [s, s === 20 ? 'someone@else.example' : `nul_${s}@x.example`, s === 30 ? 'h2' : 'h']),
    );
    // Another address rule: no member is what it gives, so every one is a row.
    const other = await nextUnsyncedWindow(fx.db.database.db, store, 'lt', 'nul', shape, 0, 100, '');
    expect(other.runs).toEqual([]);
    expect(other.rows).toHaveLength(50);
    // Members the target holds (here in another version) are never part of a run.
    await fx.db.query(`INSERT INTO bulk_sync_state (target, username, population, content_hash) SELECT 'lt', 'nul_' || s, 'nul', 'old' FROM generate_series(1, 10) s`);
    const held = await nextUnsyncedWindow(fx.db.database.db, store, 'lt', 'nul', shape, 0, 100, '@x.example');
    expect(held.runs.map((r) => [r.lo, r.hi])).toEqual([[31, 50]]);
    expect(held.rows.filter((r) => r.held).map((r) => r.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('an empty window (a gap in the seqs) hands back no row and jumps to the next seq', async () => {
    await insert([{ seq: 500, hash: 'h', attrs: '{}' }]);
    const w = await nextUnsyncedWindow(fx.db.database.db, store, 'lt', 'nul', { prefix: 'nul_', suffix: '' }, 0, 100);
    expect(w).toEqual({ rows: [], runs: [], last: 499, done: false });
    const tail = await nextUnsyncedWindow(fx.db.database.db, store, 'lt', 'nul', { prefix: 'nul_', suffix: '' }, 499, 100);
    expect(tail.done).toBe(true);
    expect(tail.rows.map((r) => [Number(r.seq), r.content_hash, r.attributes])).toEqual([[500, 'h', {}]]);
  });
});

// ---------------------------------------------------------------------------------------
describe('the Load Tester refuses a bad "shared" with a 4xx, storing nothing', () => {
  const cases: { name: string; body: string; status: number; mentions: string }[] = [
    {
      name: '__proto__ in shared (prototype pollution)',
      body: '{"shared":{"__proto__":{"password":"p","population":"x","content_hash":"h"}},"users":[{"username":"pp_1"}]}',
      status: 400,
      mentions: '',
    },
    {
      name: '__proto__ in a record, giving what shared lacks',
      body: '{"shared":{"password":"p"},"users":[{"username":"pp_2","__proto__":{"population":"x","content_hash":"h"}}]}',
      status: 400,
      mentions: '',
    },
    { name: 'constructor in shared', body: '{"shared":{"constructor":{"prototype":{"x":1}}},"users":[{"username":"pp_3","password":"p","population":"x","content_hash":"h"}]}', status: 400, mentions: '' },
    { name: 'shared.content_hash a number', body: '{"shared":{"content_hash":5},"users":[{"username":"pp_4","password":"p","population":"x"}]}', status: 400, mentions: 'shared.content_hash' },
    { name: 'shared.email an object', body: '{"shared":{"email":{}},"users":[{"username":"pp_5","password":"p","population":"x","content_hash":"h"}]}', status: 400, mentions: 'shared.email' },
    { name: 'shared.population with a NUL', body: '{"shared":{"population":"a\\u0000b"},"users":[{"username":"pp_6","password":"p","content_hash":"h"}]}', status: 400, mentions: 'population' },
    { name: 'shared.content_hash with an unpaired surrogate', body: '{"shared":{"content_hash":"\\ud800"},"users":[{"username":"pp_7","password":"p","population":"x"}]}', status: 400, mentions: 'users[0].content_hash' },
    {
      name: 'shared attributes with a NUL (new records: the COPY path)',
      body: JSON.stringify({ shared: { password: 'p', population: 'x', content_hash: 'h', attributes: { k: 'a\u0000b' } }, users: [{ username: 'pp_8' }, { username: 'pp_9' }] }),
      status: 400,
      mentions: '',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const res = await ltPost('/api/users/bulk-upsert', c.body);
      expect(res.status, JSON.stringify(res.body)).toBe(c.status);
      expect(String(res.body.message)).toContain(c.mentions);
      expect(JSON.stringify(res.body)).not.toMatch(/"p"|at .*\.ts/);
      expect(({} as Record<string, unknown>).password).toBeUndefined();
      expect(await fx.ltDb.query('SELECT count(*)::int AS n FROM loadtester.credentials')).toEqual([{ n: 0 }]);
    });
  }

  it('usernames mixing surrogate pairs and characters from U+E000 are stored and their digest is the protocol one', async () => {
    // UTF-16 order puts U+1F600 (a surrogate pair) before U+FFFD; byte order after it.
    const names = ['\u{1F600}a', '\uFFFDa', 'za', '\uE000a'];
    const res = await ltPost('/api/users/bulk-upsert', JSON.stringify({ shared: { password: 'p', population: 'sur', content_hash: 'h' }, users: names.map((username) => ({ username })) }));
    expect(res).toEqual({ status: 200, body: { inserted: 4, updated: 0, unchanged: 0 } });
    const again = await ltPost('/api/users/bulk-upsert', JSON.stringify({ users: names.map((username) => ({ username, password: 'p', population: 'sur', content_hash: 'h' })) }));
    expect(again.body).toEqual({ inserted: 0, updated: 0, unchanged: 4 });
    const stored = await fx.ltDb.query(`SELECT username FROM loadtester.credentials ORDER BY username COLLATE "C"`);
    expect(stored.map((r: { username: string }) => r.username)).toEqual([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });
});

// ---------------------------------------------------------------------------------------
describe('LoadTesterTarget falls back to whole records only for a Load Tester that refuses "shared"', () => {
  // Found by review: any 400 to a body with `shared` (here a batch the current Load Tester
  // refuses for a duplicate username, nothing to do with `shared`) is taken for an older
  // Load Tester: the chunk is sent a second time, whole, and every later chunk of the run
  // goes whole too (about three times the bytes of a first sync).
  it('a 400 about a record is not resent whole, and later chunks still share their fields', async () => {
    const proxy = await startUpsertProxy(fx.lt.url);
    try {
      const built = buildDesiredState([
        { file: 't.yaml', text: JSON.stringify({ apiVersion: 'bulk-users/v1', kind: 'SyncTarget', metadata: { name: 'lt' }, spec: { type: 'loadtester', url: proxy.url, timeoutSeconds: 2, retry: { attempts: 1, delaySeconds: 0.01 } } }) },
      ]);
      const target = new LoadTesterTarget(built.state.targets[0]!, undefined, TOKEN_ENV);
      const rec = (i: number): TargetRecord => ({ username: `fb_${i}`, password: 'secret-pw', email: `fb_${i}@example.com`, population: 'fb', content_hash: 'h', attributes: { t: 1 } });
      const bad = await target.upsert([rec(1), rec(1)]).then(
        () => null,
        (e: Error) => e,
      );
      expect(bad?.message).toMatch(/400/);
      expect(bad?.message).not.toContain('secret-pw');
      await target.upsert([rec(2), rec(3)]);
      expect(proxy.upserts.map((b) => 'shared' in (b as object))).toEqual([true, true]);
    } finally {
      await proxy.close();
    }
  });
});

// ---------------------------------------------------------------------------------------
describe('whether the target holds exactly the members: no run says "in sync" wrongly, no wrong digest is remembered', () => {
  type Pop = SyncPop & { pattern: string };
  const specs = (pops: Pop[]) =>
    syncSpecs(
      pops.map((p) => ({ ...p, targets: ['lt'] })),
      [{ name: 'lt', spec: { type: 'loadtester', url: fx.lt.url, timeoutSeconds: 2, retry: { attempts: 2, delaySeconds: 0.02 }, chunkSize: 100, concurrency: 2 } }],
    );
  const run = async (state: ReturnType<typeof specs>, dryRun = false) => {
    const spec = state.targets[0] as SyncTargetSpec;
    const driver = new LoadTesterTarget(spec, undefined, TOKEN_ENV);
    const result = await reconcile(fx.db.database, { state, dryRun, env: { SYNC_PW: PASSWORD }, logger: silentLogger, planOptions: { maxDeletePercent: 100, allowMassDelete: true }, drivers: new Map([[spec.name, driver]]) });
    return { result, traffic: driver.stats };
  };
  /** Every remembered digest equals the digest its key says (an md5 per seq, recomputed). */
  const expectMemoTrue = async () => {
    const rows = await fx.db.query(`
      SELECT prefix, lo::int, hi::int, digest::text AS digest,
             (((SELECT coalesce(sum(('x' || substr(md5(prefix || s::text || suffix || ':' || content_hash), 1, 16))::bit(64)::bigint), 0)
                FROM generate_series(lo, hi) s) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616)::text AS fresh
      FROM bulk_user_range_digest`);
    for (const r of rows) expect(r.digest, JSON.stringify(r)).toBe(r.fresh);
  };
  const expectTargetEqualsDatabase = async () => {
    const inDb = await fx.db.query('SELECT username, population, content_hash FROM users WHERE is_test_user ORDER BY username COLLATE "C"');
    const inLt = await fx.ltDb.query('SELECT username, population, content_hash FROM loadtester.credentials ORDER BY username COLLATE "C"');
    expect(inLt).toEqual(inDb);
    const { summary, truth } = await syncSummaryAndTruth(fx.db);
    expect(summary).toEqual(truth);
    expect(await syncStateDuplicates(fx.db)).toEqual([]);
    await expectMemoTrue();
  };
  const settle = async (state: ReturnType<typeof specs>, label: string) => {
    const r = await run(state);
    expect(['applied', 'no-changes'], `${label}: ${JSON.stringify(r.result.outcome)}`).toContain(r.result.outcome);
    await expectTargetEqualsDatabase();
    // Twice: the first learns the digest from the ranges, the second trusts what it learnt.
    for (const n of [1, 2]) {
      const again = await run(state);
      expect(again.result.outcome, `${label}: run ${n} after`).toBe('no-changes');
      expect(again.traffic.recordsUpserted, label).toBe(0);
      await expectTargetEqualsDatabase();
    }
  };

  it('two populations sharing a pattern prefix, through scale up and down, content change, a dry run and drift', async () => {
    const a = (count: number, attributes: Record<string, unknown> = {}): Pop => ({ name: 'ra', count, pattern: 'shr_{id}', idStart: 1, attributes });
    const b = (count: number, attributes: Record<string, unknown> = {}): Pop => ({ name: 'rb', count, pattern: 'shr_{id}', idStart: 5001, attributes });
    // And one whose prefix starts with theirs.
    const c: Pop = { name: 'rc', count: 300, pattern: 'shr_x{id}', idStart: 1 };
    await settle(specs([a(1000), b(700), c]), 'first');
    await settle(specs([a(1300), b(700), c]), 'A scaled up');
    await settle(specs([a(900), b(700), c]), 'A scaled down');
    // A dry run of a content change changes nothing it remembers.
    const dry = await run(specs([a(900, { v: 2 }), b(700), c]), true);
    expect(dry.result.outcome).not.toBe('no-changes');
    await expectTargetEqualsDatabase();
    expect((await run(specs([a(900), b(700), c]))).result.outcome).toBe('no-changes');
    await settle(specs([a(900, { v: 2 }), b(700), c]), 'A content changed');
    await settle(specs([a(900, { v: 2 }), b(700, { v: 3 }), c]), 'B content changed');
    // Content changed back: ranges and memos of the old content must not count.
    await settle(specs([a(900), b(700, { v: 3 }), c]), 'A content back');
    // Drift: a record lost, one altered, one stranger of A's population.
    await fx.ltDb.query(`DELETE FROM loadtester.credentials WHERE username = 'shr_450'`);
    await fx.ltDb.query(`UPDATE loadtester.credentials SET content_hash = 'tampered' WHERE username = 'shr_5100'`);
    await fx.ltDb.query(`INSERT INTO loadtester.credentials (username, population, email, password_enc, content_hash) SELECT 'shr_99999', population, email, password_enc, content_hash FROM loadtester.credentials WHERE username = 'shr_451'`);
    await settle(specs([a(900), b(700, { v: 3 }), c]), 'after drift');
  });

  it('runs whose marks were lost (killed after the target confirmed), with and without a content change between', async () => {
    const p = (count: number, attributes: Record<string, unknown> = {}): Pop => ({ name: 'kp', count, pattern: 'kill_{id}', attributes });
    await settle(specs([p(1500)]), 'first');
    // The target holds all; the sync state lost what the last chunks recorded.
    await fx.db.query(`DELETE FROM bulk_sync_ranges WHERE lo > 700`);
    await settle(specs([p(1500)]), 'marks lost');
    await fx.db.query(`DELETE FROM bulk_sync_ranges WHERE lo > 300`);
    await settle(specs([p(1500, { v: 2 })]), 'marks lost, then content changed');
    // Everything forgotten, and scaled up meanwhile: the target holds all it held, the state nothing.
    await fx.db.query(`DELETE FROM bulk_sync_ranges; DELETE FROM bulk_sync_state`);
    await settle(specs([p(1800, { v: 2 })]), 'state forgotten, scaled up');
  });
});

// ---------------------------------------------------------------------------------------
describe('the CLI\'s garbage collection tuning', () => {
  // Node refuses --heap-growing-percent in NODE_OPTIONS: node's command line is the way to
  // give another value, and the CLI leaves it alone.
  it('a value on node\'s command line is accepted (and left alone by the CLI)', () => {
    const r = spawnSync(process.execPath, ['--heap-growing-percent=80', 'bin/bulk-users.js', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
  });
});
