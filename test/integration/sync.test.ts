import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import { reconcile, type ReconcileResult } from '../../src/reconcile/reconcile.ts';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { DEFAULT_RECONCILER_CONFIG, type SyncTargetSpec } from '../../src/spec/DesiredState.ts';
import { LoadTesterTarget } from '../../src/targets/loadtester/LoadTesterTarget.ts';
import { startLoadTester, type RunningLoadTester } from '../../src/loadtester/startLoadTester.ts';
import { startFaultProxy } from '../support/faultProxy.ts';
import { syncSpecs, type SyncPop } from '../support/syncSpecs.ts';
import { startUpsertProxy } from '../support/upsertProxy.ts';
import { createTestDatabase, syncStateDuplicates, syncSummaryAndTruth, type TestDatabase } from '../support/testDatabase.ts';

const PASSWORD = 'Sync-Plain-Pass-7';
let db: TestDatabase;
let ltDb: TestDatabase;
let lt: RunningLoadTester;
let outDir: string;

const LT_TOKEN = 'sync-test-write-token-0123456789';
/** The reconciler's environment: the Load Tester's write token under the default variable. */
const TOKEN_ENV: NodeJS.ProcessEnv = { LOADTESTER_TOKEN: LT_TOKEN };
const ltEnv = (): NodeJS.ProcessEnv => ({ LOADTESTER_DATABASE_URL: ltDb.url, LOADTESTER_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), LOADTESTER_TOKEN: LT_TOKEN });

beforeAll(async () => {
  db = await createTestDatabase();
  ltDb = await createTestDatabase();
  lt = await startLoadTester({ port: 0, env: ltEnv(), logger: false });
  outDir = mkdtempSync(path.join(tmpdir(), 'bu-sync-out-'));
});
afterAll(async () => {
  await lt?.close();
  await db?.drop();
  await ltDb?.drop();
});
// Whatever a test did to the sync state (syncs, drift repair, deletes, cleanup, snapshot
// rewrites), the summary kept by triggers equals a fresh pass over it.
afterEach(async () => {
  const { summary, truth } = await syncSummaryAndTruth(db);
  expect(summary).toEqual(truth);
  expect(await syncStateDuplicates(db)).toEqual([]);
});
beforeEach(async () => {
  await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs, bulk_sync_state, bulk_sync_ranges, bulk_targets RESTART IDENTITY');
  await ltDb.query('TRUNCATE loadtester.credentials');
});

type Pop = SyncPop;
const specs = syncSpecs;

const ltTarget = (url = lt.url, extra: Record<string, unknown> = {}) => ({ name: 'lt', spec: { type: 'loadtester', url, timeoutSeconds: 2, retry: { attempts: 3, delaySeconds: 0.05 }, chunkSize: 500, concurrency: 3, ...extra } });

/** Reconcile with a counting driver for the Load Tester target. */
async function run(state: ReturnType<typeof specs>, opts: { dryRun?: boolean; logger?: pino.Logger } = {}): Promise<{ result: ReconcileResult; traffic: LoadTesterTarget['stats'] }> {
  const ltSpec = state.targets.find((t) => t.type === 'loadtester') as SyncTargetSpec | undefined;
  const drivers = new Map<string, LoadTesterTarget>();
  if (ltSpec) drivers.set(ltSpec.name, new LoadTesterTarget(ltSpec, undefined, TOKEN_ENV));
  const { FileTarget } = await import('../../src/targets/file/FileTarget.ts');
  const all = new Map<string, LoadTesterTarget | InstanceType<typeof FileTarget>>(drivers);
  for (const t of state.targets.filter((t) => t.type === 'file')) all.set(t.name, new FileTarget(t, outDir));
  const result = await reconcile(db.database, {
    state,
    dryRun: opts.dryRun ?? false,
    env: { SYNC_PW: PASSWORD },
    logger: opts.logger ?? silentLogger,
    planOptions: { maxDeletePercent: 100, allowMassDelete: true },
    drivers: all,
  });
  return { result, traffic: ltSpec ? drivers.get(ltSpec.name)!.stats : { requests: 0, bytesSent: 0, bytesReceived: 0, recordsUpserted: 0, recordsDeleted: 0, recordsListed: 0 } };
}

async function ltCount(population?: string): Promise<number> {
  const rows = await ltDb.query(population ? 'SELECT count(*)::int AS n FROM loadtester.credentials WHERE population = $1' : 'SELECT count(*)::int AS n FROM loadtester.credentials', population ? [population] : []);
  return rows[0].n;
}

/** Target content equals the database: same usernames with the same content hash. */
async function expectTargetEqualsDatabase(populations: string[]): Promise<void> {
  const inDb = await db.query('SELECT username, content_hash FROM users WHERE is_test_user AND population = ANY($1) ORDER BY username', [populations]);
  const inLt = await ltDb.query('SELECT username, content_hash FROM loadtester.credentials ORDER BY username');
  expect(inLt).toEqual(inDb);
}

describe('sync to the Load Tester', () => {
  it('full sync, then a no-op run that sends only one digest request', async () => {
    const state = specs([{ name: 'big', count: 3000, targets: ['lt'] }, { name: 'small', count: 40, targets: ['lt'] }, { name: 'local', count: 5 }], [ltTarget()]);
    const first = await run(state);
    expect(first.result.outcome).toBe('applied');
    expect(first.result.plan.summary).toMatchObject({ create: 3045, syncUpsert: 3040, syncDelete: 0 });
    expect(first.traffic.recordsUpserted).toBe(3040);
    expect(await ltCount('big')).toBe(3000);
    expect(await ltCount('small')).toBe(40);
    expect(await ltCount('local')).toBe(0);
    await expectTargetEqualsDatabase(['big', 'small']);

    const second = await run(state);
    expect(second.result.outcome).toBe('no-changes');
    expect(second.result.plan.summary).toMatchObject({ create: 0, syncUpsert: 0, syncDelete: 0 });
    expect(second.traffic).toMatchObject({ requests: 1, recordsUpserted: 0, recordsDeleted: 0, recordsListed: 0 });
  });

  it('reports where a full sync went, stage by stage, and holds at most `concurrency` chunks in flight', async () => {
    const state = specs([{ name: 'staged', count: 2600, targets: ['lt'] }], [ltTarget()]);
    const spec = state.targets[0]!;
    // The real driver over real HTTP; only counted, so the bound is observable.
    class CountingTarget extends LoadTesterTarget {
      inFlight = 0;
      maxInFlight = 0;
      override async upsert(...batch: Parameters<LoadTesterTarget['upsert']>): Promise<void> {
        this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
        try {
          await super.upsert(...batch);
        } finally {
          this.inFlight--;
        }
      }
    }
    const driver = new CountingTarget(spec, undefined, TOKEN_ENV);
    const records: { msg?: string; stages_ms?: Record<string, number> }[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line)) });
    const result = await reconcile(db.database, { state, dryRun: false, env: { SYNC_PW: PASSWORD }, logger, planOptions: { maxDeletePercent: 100, allowMassDelete: true }, drivers: new Map([[spec.name, driver]]) });
    expect(result.outcome).toBe('applied');
    await expectTargetEqualsDatabase(['staged']);
    expect(driver.stats.requests).toBe(1 + Math.ceil(2600 / 500)); // the digest, then chunks of 500
    expect(driver.maxInFlight).toBeLessThanOrEqual(3);
    // Every upsert answered with the Load Tester's own stage times (Server-Timing).
    // A first sync of a population: every batch is new to the Load Tester and its records
    // share all but username and e-mail, so each went by the plain INSERT.
    for (const stage of ['decode', 'validate', 'check', 'encrypt', 'probe', 'encode', 'insert']) expect(driver.stageMs[`server.${stage}`], stage).toBeGreaterThan(0);
    expect(driver.stageMs['server.upsert']).toBeUndefined();
    expect(driver.stageMs['server.copy']).toBeUndefined();
    // The Load Tester's work happens inside the round trips the reconciler timed.
    const serverMs = Object.entries(driver.stageMs).reduce((n, [k, v]) => (k.startsWith('server.') ? n + v : n), 0);
    expect(driver.stageMs['client.http']).toBeGreaterThanOrEqual(serverMs);
    const stages = records.find((r) => r.msg === 'target sync stages')?.stages_ms;
    expect(Object.keys(stages ?? {})).toEqual(expect.arrayContaining(['upsert.read', 'upsert.send', 'upsert.mark']));
  });

  it('lists any number of buckets of a population, in requests of at most 512 buckets each', async () => {
    const driver = new LoadTesterTarget(specs([], [ltTarget()]).targets[0]!, undefined, TOKEN_ENV);
    const records = Array.from({ length: 1500 }, (_, i) => ({ username: `split_${i}`, password: PASSWORD, email: null, population: 'split', content_hash: `h${i}`, attributes: null }));
    await driver.upsert(records);
    const byName = (a: { username: string }, b: { username: string }) => (a.username < b.username ? -1 : 1);
    const expected = records.map((r) => ({ username: r.username, content_hash: r.content_hash })).sort(byName);
    const requests = driver.stats.requests;
    const listed = await driver.listBuckets('split', 1024, Array.from({ length: 1024 }, (_, i) => i));
    expect(driver.stats.requests - requests).toBe(2);
    expect([...listed].sort(byName)).toEqual(expected);
    // The digest's buckets and the listing agree on which records a bucket holds.
    const digests = await driver.bucketDigests('split', 1024);
    const some = [...digests.keys()].slice(0, 5);
    const part = await driver.listBuckets('split', 1024, some);
    expect(part.length).toBe(some.reduce((n, b) => n + digests.get(b)!.count, 0));
    expect(await driver.listBuckets('split', 1024, [])).toEqual([]);
  });

  it('lists one bucket per request from a Load Tester that predates lists (it refuses them with 400)', async () => {
    const real = new LoadTesterTarget(specs([], [ltTarget()]).targets[0]!, undefined, TOKEN_ENV);
    const records = Array.from({ length: 300 }, (_, i) => ({ username: `older_${i}`, password: PASSWORD, email: null, population: 'older', content_hash: `h${i}`, attributes: null }));
    await real.upsert(records);
    // In front of the real one, answering a list of buckets as an older Load Tester did.
    const seen: string[] = [];
    const older = http.createServer((req, res) => {
      const bucket = new URL(req.url ?? '/', 'http://x').searchParams.get('bucket') ?? '';
      seen.push(bucket);
      if (bucket.includes(',')) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_request","message":"querystring/bucket must be integer"}');
        return;
      }
      void fetch(`${lt.url}${req.url}`, { headers: { authorization: req.headers.authorization ?? '' } }).then(async (r) => {
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
      });
    });
    await new Promise<void>((resolve) => older.listen(0, '127.0.0.1', resolve));
    try {
      const driver = new LoadTesterTarget(specs([], [ltTarget(`http://127.0.0.1:${(older.address() as AddressInfo).port}`)]).targets[0]!, undefined, TOKEN_ENV);
      const want = [1, 5, 9];
      const expected = (await real.listBuckets('older', 16, want)).map((r) => r.username).sort();
      expect(expected.length).toBeGreaterThan(3);
      expect((await driver.listBuckets('older', 16, want)).map((r) => r.username).sort()).toEqual(expected);
      expect(seen).toEqual(['1,5,9', '1', '5', '9']);
      // Remembered: the next listing goes one bucket per request straight away.
      await driver.listBuckets('older', 16, [2, 3]);
      expect(seen.slice(4)).toEqual(['2', '3']);
    } finally {
      await new Promise((resolve) => older.close(resolve));
    }
  });

  it('sends the members a target lacks as runs of their pattern: a few bytes per chunk, every record stored as the database has it', async () => {
    const seen = await startUpsertProxy(lt.url);
    try {
      const state = specs([{ name: 'runs', count: 1000, attributes: { tier: 1 }, targets: ['lt'] }], [ltTarget(seen.url, { concurrency: 1 })]);
      const first = await run(state);
      expect(first.result.outcome).toBe('applied');
      expect(first.traffic.recordsUpserted).toBe(1000);
      // Two 500-record chunks, each one run and no record of its own.
      expect(seen.upserts.map((b) => Object.keys(b as object).sort())).toEqual([['runs', 'shared'], ['runs', 'shared']]);
      expect(seen.upserts.map((b) => (b as { runs: { from: number; to: number }[] }).runs)).toEqual([
        [expect.objectContaining({ from: 1, to: 500 })],
        [expect.objectContaining({ from: 501, to: 1000 })],
      ]);
      expect(first.traffic.bytesSent).toBeLessThan(2000);
      await expectTargetEqualsDatabase(['runs']);
    } finally {
      await seen.close();
    }
  });

  it.each([
    { version: 'from before runs', refused: 'runs', bodies: [['runs', 'shared'], ['shared', 'users'], ['shared', 'users']] },
    { version: 'from before shared fields', refused: 'shared', bodies: [['runs', 'shared'], ['users'], ['users']] },
  ])('sends a Load Tester $version (it refuses the field with 400) the records one by one', async ({ refused, bodies }) => {
    const older = await startUpsertProxy(lt.url, (body) => (refused in (body as object) ? { status: 400, body: `{"error":"invalid_request","message":"${refused} is not a known field"}` } : undefined));
    try {
      const name = `older${refused}`;
      const viaOlder = await run(specs([{ name, count: 1000, attributes: { tier: 1 }, targets: ['lt'] }], [ltTarget(older.url, { concurrency: 1 })]));
      expect(viaOlder.result.outcome).toBe('applied');
      expect(viaOlder.traffic.recordsUpserted).toBe(1000);
      // Two 500-record chunks: the first tried with runs and refused, then sent as the older
      // service takes it, and the second so straight away.
      expect(older.upserts.map((b) => Object.keys(b as object).sort())).toEqual(bodies);
      await expectTargetEqualsDatabase([name]);
    } finally {
      await older.close();
    }
  });

  it('sends exactly the changed users when 1% change', async () => {
    const state = specs([{ name: 'stable', count: 2970, targets: ['lt'] }, { name: 'changing', count: 30, attributes: { v: 1 }, targets: ['lt'] }], [ltTarget()]);
    await run(state);
    const changed = specs([{ name: 'stable', count: 2970, targets: ['lt'] }, { name: 'changing', count: 30, attributes: { v: 2 }, targets: ['lt'] }], [ltTarget()]);
    const { result, traffic } = await run(changed);
    expect(result.plan.summary).toMatchObject({ update: 30, syncUpsert: 30, syncDelete: 0 });
    expect(traffic.recordsUpserted).toBe(30);
    expect(traffic.recordsDeleted).toBe(0);
    await expectTargetEqualsDatabase(['stable', 'changing']);
  });

  it('searches what the target holds for records to delete only when the plan or the run can have left some', async () => {
    // Which stages a run's sync went through, from its debug log.
    const stagesOf = async (state: ReturnType<typeof specs>) => {
      const lines: { msg?: string; stages_ms?: Record<string, number> }[] = [];
      const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
      const r = await run(state, { logger });
      return { ...r, stages: Object.keys(lines.find((l) => l.msg === 'target sync stages')?.stages_ms ?? {}) };
    };
    await run(specs([{ name: 'kept', count: 300, attributes: { v: 1 }, targets: ['lt'] }], [ltTarget()]));
    // Updates only: nothing held beyond the members before, none deleted by the run.
    const update = await stagesOf(specs([{ name: 'kept', count: 300, attributes: { v: 2 }, targets: ['lt'] }], [ltTarget()]));
    expect(update.result.plan.summary).toMatchObject({ update: 300, delete: 0, syncUpsert: 300, syncDelete: 0 });
    expect(update.stages).toContain('upsert.send');
    expect(update.stages).not.toContain('delete.read');
    // A scale-down deletes users the target holds: the search finds and deletes them.
    const down = await stagesOf(specs([{ name: 'kept', count: 200, attributes: { v: 2 }, targets: ['lt'] }], [ltTarget()]));
    expect(down.stages).toContain('delete.read');
    expect(down.traffic.recordsDeleted).toBe(100);
    await expectTargetEqualsDatabase(['kept']);
    // Records the target holds beyond the members (a crash between the database delete and
    // the target, simulated): the plan sees them, and the search runs although no user is deleted.
    await ltDb.query(`INSERT INTO loadtester.credentials (username, population, password_enc, content_hash) SELECT 'kept_999', population, password_enc, 'h' FROM loadtester.credentials LIMIT 1`);
    await db.query(`INSERT INTO bulk_sync_state (target, username, population, content_hash) VALUES ('lt', 'kept_999', 'kept', 'h')`);
    const leftover = await stagesOf(specs([{ name: 'kept', count: 200, attributes: { v: 2 }, targets: ['lt'] }], [ltTarget()]));
    expect(leftover.result.plan.summary).toMatchObject({ delete: 0, syncDelete: 1 });
    expect(leftover.stages).toContain('delete.read');
    expect(leftover.traffic.recordsDeleted).toBe(1);
    await expectTargetEqualsDatabase(['kept']);
  });

  it('keeps the records of a population retained as an orphan, also when a later run syncs others', async () => {
    await run(specs([{ name: 'keep', count: 10, targets: ['lt'] }, { name: 'old', count: 5, targets: ['lt'], deletionPolicy: 'Retain' }], [ltTarget()]));
    const retained = await run(specs([{ name: 'keep', count: 10, targets: ['lt'] }], [ltTarget()]));
    expect(retained.result.plan.populations.find((p) => p.name === 'old')?.action).toBe('retain');
    expect(await ltCount('old')).toBe(5);
    // Now Orphaned, and no longer in the plan; a change to another population syncs the target.
    const later = await run(specs([{ name: 'keep', count: 12, targets: ['lt'] }], [ltTarget()]));
    expect(later.result.plan.summary).toMatchObject({ create: 2, syncUpsert: 2, syncDelete: 0 });
    expect(later.traffic.recordsDeleted).toBe(0);
    expect(await ltCount('old')).toBe(5);
    expect(await ltCount('keep')).toBe(12);
  });

  it('repairs records lost or altered inside the Load Tester by sending only those', async () => {
    const state = specs([{ name: 'drift', count: 4000, targets: ['lt'] }], [ltTarget()]);
    await run(state);
    await ltDb.query(`DELETE FROM loadtester.credentials WHERE username IN ('drift_7', 'drift_1234', 'drift_3999')`);
    await ltDb.query(`UPDATE loadtester.credentials SET content_hash = 'tampered' WHERE username = 'drift_50'`);

    const dry = await run(state, { dryRun: true });
    expect(dry.result.plan.targets[0]).toMatchObject({ name: 'lt', drift: 4, upsert: 4, delete: 0 });
    expect(await ltCount()).toBe(3997);
    // The dry run repaired nothing, not even the sync state.
    expect((await db.query('SELECT count(*)::int AS n FROM bulk_sync_records'))[0].n).toBe(4000);

    const { result, traffic } = await run(state);
    expect(result.plan.summary).toMatchObject({ create: 0, update: 0, syncUpsert: 4 });
    expect(traffic.recordsUpserted).toBe(4);
    // Only differing buckets were listed: far fewer records than the population.
    expect(traffic.recordsListed).toBeLessThan(400);
    await expectTargetEqualsDatabase(['drift']);
    expect((await run(state)).result.outcome).toBe('no-changes');
  });

  it('deletes from the target what left the database, and an unknown record in the target', async () => {
    const state = specs([{ name: 'shrink', count: 100, targets: ['lt'] }], [ltTarget()]);
    await run(state);
    await fetch(`${lt.url}/api/users/bulk-upsert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${LT_TOKEN}` },
      body: JSON.stringify({ users: [{ username: 'stranger', password: 'x', email: null, population: 'shrink', content_hash: 'h' }] }),
    });
    const { result, traffic } = await run(specs([{ name: 'shrink', count: 60, targets: ['lt'] }], [ltTarget()]));
    expect(result.plan.summary).toMatchObject({ delete: 40, syncDelete: 41 });
    expect(traffic.recordsDeleted).toBe(41);
    await expectTargetEqualsDatabase(['shrink']);
  });

  it('keeps its data across a restart', async () => {
    const state = specs([{ name: 'durable', count: 500, targets: ['lt'] }], [ltTarget()]);
    await run(state);
    await lt.close();
    lt = await startLoadTester({ port: 0, env: ltEnv(), logger: false });
    const { result, traffic } = await run(specs([{ name: 'durable', count: 500, targets: ['lt'] }], [ltTarget(lt.url)]));
    expect(result.outcome).toBe('no-changes');
    expect(traffic.requests).toBe(1);
    const exported = await (await fetch(`${lt.url}/api/users/export?format=artillery-csv&population=durable`, { headers: { authorization: `Bearer ${LT_TOKEN}` } })).text();
    const rows = parse(exported) as string[][];
    expect(rows).toHaveLength(500);
    expect(rows[0]).toEqual(['durable_1', PASSWORD]);
  });
});

/** What the sync state holds for the target: rows, ranges, and the records they spell out. */
async function syncStateShape(): Promise<{ rows: number; ranges: number; records: number }> {
  const [r] = await db.query(`SELECT (SELECT count(*)::int FROM bulk_sync_state) AS rows, (SELECT count(*)::int FROM bulk_sync_ranges) AS ranges,
                                     (SELECT count(*)::int FROM bulk_sync_records) AS records`);
  return r;
}

/** The sync state says exactly what the Load Tester holds (usernames, populations, content). */
async function expectSyncStateEqualsTarget(): Promise<void> {
  const state = await db.query(`SELECT username, population, content_hash FROM bulk_sync_records WHERE target = 'lt' ORDER BY username COLLATE "C"`);
  const held = await ltDb.query(`SELECT username, population, content_hash FROM loadtester.credentials ORDER BY username COLLATE "C"`);
  expect(state).toEqual(held);
}

describe('the sync state kept as ranges of consecutive members', () => {
  // afterEach checks after every test that no username is held twice and that the summary
  // equals a fresh count of every record.
  it('a first sync writes a few ranges and no rows, and they say exactly what the target holds', async () => {
    // 10,001 members: the last window of 2,500 seqs holds two of them, sent and kept as a
    // range all the same (as rows they would make every later run digest the members).
    const state = specs([{ name: 'rng', count: 10_001, targets: ['lt'] }, { name: 'tiny', count: 5, targets: ['lt'] }], [ltTarget()]);
    await run(state);
    const shape = await syncStateShape();
    // 500-record chunks recorded 8 at a time: about 10,001 / 4000 ranges, whatever order the chunks finished in;
    // the 5 members of 'tiny', a whole window's, are one range too.
    expect(shape.records).toBe(10_006);
    expect(shape.rows).toBe(0);
    expect(shape.ranges).toBeGreaterThanOrEqual(3);
    expect(shape.ranges).toBeLessThanOrEqual(18);
    await expectSyncStateEqualsTarget();
    expect((await run(state)).result.outcome).toBe('no-changes');
  });

  it('the first run after a sync learns the digest of the members from the ranges and remembers it: the one the Load Tester computes', async () => {
    // The last window of 2,500 seqs holds one member.
    const state = specs([{ name: 'memo', count: 5001, targets: ['lt'] }], [ltTarget()]);
    await run(state);
    // The sync itself, holding nothing before, needed no digest of the members.
    expect(await db.query(`SELECT 1 FROM bulk_user_range_digest WHERE prefix = 'memo_'`)).toHaveLength(0);
    expect((await run(state)).result.outcome).toBe('no-changes');
    const [memo] = await db.query(`SELECT lo::int, hi::int, digest::text FROM bulk_user_range_digest WHERE prefix = 'memo_'`);
    const theirs = await (await fetch(`${lt.url}/api/users/digest?population=memo`, { headers: { authorization: `Bearer ${LT_TOKEN}` } })).json();
    expect(memo).toEqual({ lo: 1, hi: 5001, digest: theirs.digest });
    expect((await run(state)).result.outcome).toBe('no-changes');
  });

  it('drift inside ranges: the lost and altered records are sent, the ranges split around them, a stranger is deleted', async () => {
    const state = specs([{ name: 'split', count: 6000, targets: ['lt'] }], [ltTarget()]);
    await run(state);
    expect((await syncStateShape()).rows).toBe(0);
    await ltDb.query(`DELETE FROM loadtester.credentials WHERE username IN ('split_1', 'split_2500', 'split_2501', 'split_6000')`);
    await ltDb.query(`UPDATE loadtester.credentials SET content_hash = 'tampered' WHERE username IN ('split_77', 'split_4001')`);
    await fetch(`${lt.url}/api/users/bulk-upsert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${LT_TOKEN}` },
      body: JSON.stringify({ users: [{ username: 'split_9999', password: 'x', email: null, population: 'split', content_hash: 'h' }] }),
    });
    const { result, traffic } = await run(state);
    expect(result.plan.targets[0]).toMatchObject({ drift: 7, upsert: 6, delete: 1 });
    expect(traffic.recordsUpserted).toBe(6);
    expect(traffic.recordsDeleted).toBe(1);
    await expectTargetEqualsDatabase(['split']);
    await expectSyncStateEqualsTarget();
    const shape = await syncStateShape();
    expect(shape.records).toBe(6000);
    // Split, not spelled out: the listed buckets' records became rows, the rest stayed ranges.
    expect(shape.rows).toBeGreaterThan(0);
    expect(shape.rows).toBeLessThan(1000);
    expect((await run(state)).result.outcome).toBe('no-changes');
  });

  it('records sent but not recorded (a run killed between the two) are found by the next run, which keeps them as ranges again', async () => {
    const state = specs([{ name: 'lost', count: 6000, targets: ['lt'] }], [ltTarget()]);
    await run(state);
    // The target holds everything; the sync state lost its last range, as if the run had
    // been killed after the target confirmed those chunks and before they were recorded.
    const [last] = await db.query(`DELETE FROM bulk_sync_ranges WHERE lo = (SELECT max(lo) FROM bulk_sync_ranges) RETURNING (hi - lo + 1)::int AS n`);
    expect(last.n).toBeGreaterThan(100);
    const { result, traffic } = await run(state);
    expect(result.plan.targets[0]).toMatchObject({ drift: last.n, upsert: 0, delete: 0 });
    expect(traffic.recordsUpserted).toBe(0);
    await expectSyncStateEqualsTarget();
    const shape = await syncStateShape();
    expect(shape.records).toBe(6000);
    // What the repair listed went back into ranges; a few runs too short for one may stay rows.
    expect(shape.rows).toBeLessThan(200);
    expect((await run(state)).result.outcome).toBe('no-changes');
  });

  it('content changed while the target was down is sent in full once it is back: ranges of the old content do not count as held', async () => {
    const proxy = await startFaultProxy(lt.url);
    try {
      const target = [ltTarget(proxy.url, { timeoutSeconds: 0.5, retry: { attempts: 2, delaySeconds: 0.02 } })];
      await run(specs([{ name: 'moved', count: 3000, targets: ['lt'] }], target));
      expect((await syncStateShape()).rows).toBe(0);
      proxy.fail('503');
      const changed = specs([{ name: 'moved', count: 3000, attributes: { v: 2 }, targets: ['lt'] }], target);
      expect((await run(changed)).result.outcome).toBe('partial');
      proxy.fail('none');
      // Every member now has the new content: as many members as records held, in one block.
      const { result, traffic } = await run(changed);
      expect(result.plan.targets[0]).toMatchObject({ drift: 0, upsert: 3000 });
      expect(traffic.recordsUpserted).toBe(3000);
      await expectTargetEqualsDatabase(['moved']);
      await expectSyncStateEqualsTarget();
      expect((await run(changed)).result.outcome).toBe('no-changes');
    } finally {
      await proxy.close();
    }
  });

  it('a scale-down deletes from the target the records its ranges held beyond the new count, trimming them', async () => {
    await run(specs([{ name: 'trim', count: 5000, targets: ['lt'] }], [ltTarget()]));
    const smaller = specs([{ name: 'trim', count: 3210, targets: ['lt'] }], [ltTarget()]);
    const { result, traffic } = await run(smaller);
    expect(result.plan.summary).toMatchObject({ delete: 1790, syncDelete: 1790 });
    expect(traffic.recordsDeleted).toBe(1790);
    await expectTargetEqualsDatabase(['trim']);
    await expectSyncStateEqualsTarget();
    expect(await syncStateShape()).toMatchObject({ rows: 0, records: 3210 });
    expect((await run(smaller)).result.outcome).toBe('no-changes');
  });

  it('new content replaces the ranges with ranges of the new content hash', async () => {
    await run(specs([{ name: 'chg', count: 4500, attributes: { tier: 1 }, targets: ['lt'] }], [ltTarget()]));
    const changed = specs([{ name: 'chg', count: 4500, attributes: { tier: 2 }, targets: ['lt'] }], [ltTarget()]);
    const { traffic } = await run(changed);
    expect(traffic.recordsUpserted).toBe(4500);
    await expectTargetEqualsDatabase(['chg']);
    await expectSyncStateEqualsTarget();
    const [{ hashes }] = await db.query(`SELECT count(DISTINCT content_hash)::int AS hashes FROM bulk_sync_ranges`);
    expect(hashes).toBe(1);
    expect(await syncStateShape()).toMatchObject({ rows: 0, records: 4500 });
  });

  it('a new pattern whose usernames the old ranges also hold: each username ends up held once', async () => {
    // col_{id} for 1..60 holds col_11 .. col_60 too; col_1{id} gives col_11 .. col_160.
    await run(specs([{ name: 'col', count: 60, pattern: 'col_{id}', targets: ['lt'] }], [ltTarget()]));
    expect((await syncStateShape()).ranges).toBeGreaterThan(0);
    const renamed = specs([{ name: 'col', count: 150, pattern: 'col_1{id}', targets: ['lt'] }], [ltTarget()]);
    await run(renamed);
    await expectTargetEqualsDatabase(['col']);
    await expectSyncStateEqualsTarget();
    expect((await run(renamed)).result.outcome).toBe('no-changes');
  });
});

describe('faults', () => {
  it('retries 503s, resets and timeouts, and converges with nothing lost', async () => {
    const proxy = await startFaultProxy(lt.url);
    try {
      const state = specs([{ name: 'flaky', count: 2000, targets: ['lt'] }], [ltTarget(proxy.url, { timeoutSeconds: 0.5, retry: { attempts: 4, delaySeconds: 0.02 } })]);
      proxy.fail('503', 2);
      const a = await run(state);
      expect(a.result.outcome).toBe('applied');
      proxy.fail('reset', 2);
      await ltDb.query(`DELETE FROM loadtester.credentials WHERE username LIKE 'flaky_1%'`);
      const b = await run(state);
      expect(b.result.outcome).toBe('applied');
      proxy.fail('delay', 1, 1500);
      await ltDb.query(`DELETE FROM loadtester.credentials WHERE username LIKE 'flaky_2%'`);
      const c = await run(state);
      expect(c.result.outcome).toBe('applied');
      expect(proxy.counts.faulted).toBe(5);
      await expectTargetEqualsDatabase(['flaky']);
    } finally {
      await proxy.close();
    }
  });

  it('a target that stays down fails alone; database and other targets complete; the next run resumes', async () => {
    const proxy = await startFaultProxy(lt.url);
    const file = path.join(outDir, 'down-test.csv');
    try {
      const targets = [ltTarget(proxy.url, { timeoutSeconds: 0.5, retry: { attempts: 2, delaySeconds: 0.02 } }), { name: 'csv', spec: { type: 'file', path: 'down-test.csv', format: 'csv' } }];
      await run(specs([{ name: 'down', count: 300, targets: ['lt', 'csv'] }], targets));
      expect(await ltCount('down')).toBe(300);

      proxy.fail('503');
      const scaled = specs([{ name: 'down', count: 200, targets: ['lt', 'csv'] }], targets);
      const failed = await run(scaled);
      expect(failed.result.outcome).toBe('partial');
      expect(failed.result.sync.find((s) => s.target === 'lt')?.error).toMatch(/target "lt": .* answered 503/);
      expect(failed.result.sync.find((s) => s.target === 'csv')?.error).toBeUndefined();
      expect((await db.query(`SELECT count(*)::int AS n FROM users WHERE population = 'down'`))[0].n).toBe(200);
      expect((parse(readFileSync(file, 'utf8'), { columns: true }) as unknown[]).length).toBe(200);
      // The deleted users are still in the Load Tester, and the sync state remembers them.
      expect(await ltCount('down')).toBe(300);
      expect((await db.query(`SELECT count(*)::int AS n FROM bulk_sync_records WHERE target = 'lt'`))[0].n).toBe(300);
      const status = await db.query(`SELECT last_error FROM bulk_targets WHERE name = 'lt'`);
      expect(status[0].last_error).toMatch(/503/);

      proxy.fail('none');
      const resumed = await run(scaled);
      expect(resumed.result.outcome).toBe('applied');
      expect(resumed.traffic.recordsDeleted).toBe(100);
      await expectTargetEqualsDatabase(['down']);
      expect((await db.query(`SELECT last_error FROM bulk_targets WHERE name = 'lt'`))[0].last_error).toBeNull();
    } finally {
      await proxy.close();
    }
  });
});

describe('more faults: 500, 429 with Retry-After, a truncated answer, JSON of the wrong shape', () => {
  it('retries each transient fault (after the Retry-After of a 429) and converges with nothing lost', async () => {
    const proxy = await startFaultProxy(lt.url);
    try {
      const state = specs([{ name: 'rough', count: 1500, targets: ['lt'] }], [ltTarget(proxy.url, { timeoutSeconds: 2, retry: { attempts: 4, delaySeconds: 0.02 } })]);
      const faults: [Parameters<typeof proxy.fail>[0], number, number][] = [['500', 2, 0], ['429', 2, 1000], ['truncate', 2, 0]];
      for (const [i, [fault, count, ms]] of faults.entries()) {
        // Drift for every run after the first, so each has something to send.
        if (i > 0) await ltDb.query(`DELETE FROM loadtester.credentials WHERE username LIKE $1`, [`rough_${i}%`]);
        const faultedBefore = proxy.counts.faulted;
        proxy.fail(fault, count, ms);
        const r = await run(state);
        expect(r.result.outcome, fault).toBe('applied');
        expect(r.result.sync.every((s) => !s.error), fault).toBe(true);
        expect(proxy.counts.faulted - faultedBefore, fault).toBe(count);
        await expectTargetEqualsDatabase(['rough']);
        if (fault === '429') {
          // Retry-After: 1 was honoured: the attempt after each 429 came at least a second later
          // (a lower bound; a slow machine only makes it later).
          const log = proxy.log;
          for (const [k, e] of log.entries()) if (e.fault === '429') expect(log[k + 1]!.at - e.at, 'wait after a 429').toBeGreaterThanOrEqual(950);
        }
      }
      expect((await run(state)).result.outcome).toBe('no-changes');
    } finally {
      await proxy.close();
    }
  });

  it.each([
    ['500', /answered 500/],
    ['429', /answered 429/],
    ['truncate', /connection lost while reading the answer/],
  ] as const)('a target that keeps answering %s fails the run with a clear message, and the next run catches up', async (fault, message) => {
    const proxy = await startFaultProxy(lt.url);
    try {
      const state = specs([{ name: 'stuck', count: 40, targets: ['lt'] }], [ltTarget(proxy.url, { timeoutSeconds: 2, retry: { attempts: 2, delaySeconds: 0.02 } })]);
      proxy.fail(fault, Infinity, 1000);
      const failed = await run(state);
      expect(failed.result.outcome).toBe('partial');
      expect(failed.result.plan.targets[0]!.unreachable ?? failed.result.sync.find((s) => s.target === 'lt')?.error).toMatch(message);
      // Never recorded as in sync: the sync state does not claim what the target may lack.
      const claimed = (await db.query(`SELECT count(*)::int AS n FROM bulk_sync_records WHERE target = 'lt'`))[0].n;
      expect(claimed).toBeLessThanOrEqual(await ltCount('stuck'));
      proxy.fail('none');
      expect((await run(state)).result.outcome).toBe('applied');
      await expectTargetEqualsDatabase(['stuck']);
      expect((await run(state)).result.outcome).toBe('no-changes');
    } finally {
      await proxy.close();
    }
  });

  it('an answer of the wrong shape is an error naming the request, never "in sync"', async () => {
    const proxy = await startFaultProxy(lt.url);
    try {
      const state = specs([{ name: 'shape', count: 40, targets: ['lt'] }], [ltTarget(proxy.url, { timeoutSeconds: 2, retry: { attempts: 2, delaySeconds: 0.02 } })]);
      proxy.fail('wrong-shape');
      const first = await run(state);
      expect(first.result.outcome).toBe('partial');
      const error = first.result.plan.targets[0]!.unreachable ?? first.result.sync.find((s) => s.target === 'lt')?.error;
      expect(error).toMatch(/target "lt": GET \/api\/users\/digest answered JSON of an unexpected shape/);
      expect(await ltCount('shape')).toBe(0);
      expect((await db.query(`SELECT count(*)::int AS n FROM bulk_sync_records WHERE target = 'lt'`))[0].n).toBe(0);
      // With users in place and in sync, a wrong-shaped digest is not "no changes" either.
      proxy.fail('none');
      expect((await run(state)).result.outcome).toBe('applied');
      proxy.fail('wrong-shape');
      const quiet = await run(state);
      expect(quiet.result.outcome).not.toBe('no-changes');
      expect(quiet.result.outcome).toBe('partial');
      proxy.fail('none');
      expect((await run(state)).result.outcome).toBe('no-changes');
      await expectTargetEqualsDatabase(['shape']);
    } finally {
      await proxy.close();
    }
  });
});

describe('an unreachable target is never "no changes"', () => {
  it('with nothing else to do, a run against a target that is down fails naming it', async () => {
    const proxy = await startFaultProxy(lt.url);
    try {
      const state = specs([{ name: 'quiet', count: 30, targets: ['lt'] }], [ltTarget(proxy.url, { timeoutSeconds: 0.5, retry: { attempts: 2, delaySeconds: 0.02 } })]);
      await run(state);
      proxy.fail('503');
      const down = await run(state);
      expect(down.result.plan.targets[0]!.unreachable).toMatch(/503/);
      expect(down.result.plan.hasChanges).toBe(true);
      expect(down.result.outcome).toBe('partial');
      proxy.fail('none');
      expect((await run(state)).result.outcome).toBe('no-changes');
    } finally {
      await proxy.close();
    }
  });
});

describe('file targets', () => {
  it('writes the formats load-test tools read, atomically, mode 0600, and rewrites only on change', async () => {
    const targets = ['artillery-csv', 'csv', 'k6-json'].map((format) => ({ name: format.replace('-', ''), spec: { type: 'file', path: `tools/users.${format}`, format } }));
    const state = specs([{ name: 'tool', count: 25, targets: targets.map((t) => t.name) }], targets);
    const { result } = await run(state);
    expect(result.plan.summary.syncUpsert).toBe(75);

    const artillery = readFileSync(path.join(outDir, 'tools/users.artillery-csv'), 'utf8');
    // Artillery payload: no header, username,password by position.
    expect(parse(artillery)).toEqual(Array.from({ length: 25 }, (_, i) => [`tool_${i + 1}`, PASSWORD]));
    const csv = parse(readFileSync(path.join(outDir, 'tools/users.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(csv[0]).toEqual({ username: 'tool_1', password: PASSWORD, email: 'tool_1@example.com', population: 'tool' });
    const k6 = JSON.parse(readFileSync(path.join(outDir, 'tools/users.k6-json'), 'utf8')) as unknown[];
    expect(k6).toHaveLength(25);
    expect(k6[24]).toEqual({ username: 'tool_25', password: PASSWORD, email: 'tool_25@example.com', population: 'tool' });
    expect(statSync(path.join(outDir, 'tools/users.csv')).mode & 0o777).toBe(0o600);

    const before = statSync(path.join(outDir, 'tools/users.csv')).mtimeMs;
    expect((await run(state)).result.outcome).toBe('no-changes');
    expect(statSync(path.join(outDir, 'tools/users.csv')).mtimeMs).toBe(before);

    // A file edited behind our back is rewritten.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(outDir, 'tools/users.csv'), 'username,password\nmallory,x\n');
    const repaired = await run(state);
    expect(repaired.result.plan.targets.find((t) => t.name === 'csv')).toMatchObject({ upsert: 25 });
    expect((parse(readFileSync(path.join(outDir, 'tools/users.csv'), 'utf8'), { columns: true }) as unknown[]).length).toBe(25);
  });
});

describe('secrets', () => {
  it('never stores the plaintext password in the reconciler database or the Load Tester table', async () => {
    await run(specs([{ name: 'secret', count: 10, targets: ['lt'] }], [ltTarget()]));
    for (const t of [db, ltDb]) {
      const tables = await t.query(`SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', 'loadtester') AND table_type = 'BASE TABLE'`);
      for (const { table_schema, table_name } of tables) {
        const dump = await t.query(`SELECT string_agg(to_jsonb(x)::text, '') AS d FROM ${pg.escapeIdentifier(table_schema)}.${pg.escapeIdentifier(table_name)} x`);
        expect(dump[0].d ?? '').not.toContain(PASSWORD);
      }
    }
  });
});

describe('cleanup and targets', () => {
  it('allowPartialCleanup: false deletes from the database only after every target did; true deletes anyway and targets catch up', async () => {
    const proxy = await startFaultProxy(lt.url);
    try {
      const target = ltTarget(proxy.url, { timeoutSeconds: 0.5, retry: { attempts: 2, delaySeconds: 0.02 } });
      const withOld = specs([{ name: 'live', count: 20, targets: ['lt'] }, { name: 'old', count: 30, targets: ['lt'] }], [target]);
      withOld.populations.find((p) => p.name === 'old')!.deletionPolicy = 'Retain';
      await run(withOld);
      const without = specs([{ name: 'live', count: 20, targets: ['lt'] }], [target]);
      await run(without);
      expect(await ltCount('old')).toBe(30); // orphaned, retained everywhere

      const { cleanup } = await import('../../src/reconcile/cleanup.ts');
      const drivers = new Map([['lt', new LoadTesterTarget(without.targets[0]!, undefined, TOKEN_ENV)]]);
      const base = { dryRun: false, logger: silentLogger, drivers, selection: { orphans: true }, planOptions: { maxDeletePercent: 100, allowMassDelete: false } };

      proxy.fail('503');
      const strict = await cleanup(db.database, { ...base, state: { ...without, config: { ...DEFAULT_RECONCILER_CONFIG, allowPartialCleanup: false } } });
      expect(strict.outcome).toBe('partial');
      expect((await db.query(`SELECT count(*)::int AS n FROM users WHERE population = 'old'`))[0].n).toBe(30);
      expect(await ltCount('old')).toBe(30);

      const partial = await cleanup(db.database, { ...base, state: { ...without, config: { ...DEFAULT_RECONCILER_CONFIG, allowPartialCleanup: true } } });
      expect(partial.outcome).toBe('partial');
      expect((await db.query(`SELECT count(*)::int AS n FROM users WHERE population = 'old'`))[0].n).toBe(0);
      expect(await ltCount('old')).toBe(30);

      proxy.fail('none');
      const caughtUp = await run(without);
      expect(caughtUp.traffic.recordsDeleted).toBe(30);
      expect(await ltCount('old')).toBe(0);
      await expectTargetEqualsDatabase(['live']);
    } finally {
      await proxy.close();
    }
  });

  it('allowPartialCleanup: false with targets up removes the population from targets, then from the database', async () => {
    const state = specs([{ name: 'keep', count: 10, targets: ['lt'] }, { name: 'gone', count: 12, targets: ['lt'] }], [ltTarget()]);
    state.populations.find((p) => p.name === 'gone')!.deletionPolicy = 'Retain';
    await run(state);
    const without = specs([{ name: 'keep', count: 10, targets: ['lt'] }], [ltTarget()]);
    await run(without);
    const { cleanup } = await import('../../src/reconcile/cleanup.ts');
    const drivers = new Map([['lt', new LoadTesterTarget(without.targets[0]!, undefined, TOKEN_ENV)]]);
    const res = await cleanup(db.database, { state: without, dryRun: false, logger: silentLogger, drivers, selection: { population: 'gone' }, planOptions: { maxDeletePercent: 100, allowMassDelete: false } });
    expect(res.outcome).toBe('applied');
    expect(res.deleted).toBe(12);
    expect(res.sync[0]).toMatchObject({ target: 'lt', deleted: 12 });
    await expectTargetEqualsDatabase(['keep']);
    expect((await run(without)).result.outcome).toBe('no-changes');
  });
});

/** A loopback port nothing listens on (found free, then released). */
async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('the Load Tester token, from the reconciler side', () => {
  it('sends the token that auth.tokenFromEnv names; a refused token is a terminal error naming the variable, and nothing more is sent', async () => {
    const target = { name: 'lt', spec: { type: 'loadtester', url: lt.url, auth: { tokenFromEnv: 'MY_LT_TOKEN' }, retry: { attempts: 3, delaySeconds: 15 } } };
    const state = specs([{ name: 'tok', count: 40, targets: ['lt'] }], [target]);
    expect(state.targets[0]!.auth).toEqual({ tokenFromEnv: 'MY_LT_TOKEN' });

    const wrong = new LoadTesterTarget(state.targets[0]!, undefined, { MY_LT_TOKEN: 'not-the-token-0123456789' });
    const refused = await reconcile(db.database, { state, dryRun: false, env: { SYNC_PW: PASSWORD }, logger: silentLogger, drivers: new Map([['lt', wrong]]) });
    expect(refused.outcome).toBe('partial');
    expect(refused.sync[0]!.error).toMatch(/target "lt": the Load Tester at http:\/\/127\.0\.0\.1:\d+ refused the token from MY_LT_TOKEN \(401\): set MY_LT_TOKEN /);
    // The digest request was refused once: not retried, and no password was sent after it.
    expect(wrong.stats).toMatchObject({ requests: 1, recordsUpserted: 0 });
    expect(await ltCount()).toBe(0);

    // Drivers built from the spec read the variable from the run's environment.
    const ok = await reconcile(db.database, { state, dryRun: false, env: { SYNC_PW: PASSWORD, MY_LT_TOKEN: LT_TOKEN }, logger: silentLogger, baseDir: outDir });
    expect(ok.outcome).toBe('applied');
    expect(await ltCount('tok')).toBe(40);
    await expectTargetEqualsDatabase(['tok']);
  });

  it('without any token, a Load Tester that is up answers 401 and the error says what to set', async () => {
    const state = specs([{ name: 'notok', count: 5, targets: ['lt'] }], [{ name: 'lt', spec: { type: 'loadtester', url: lt.url, retry: { attempts: 1, delaySeconds: 0 } } }]);
    // A data directory without a token file: the loopback fallback finds nothing.
    const env = { SYNC_PW: PASSWORD, BULK_USERS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bu-sync-notoken-')) };
    const res = await reconcile(db.database, { state, dryRun: false, env, logger: silentLogger, baseDir: outDir });
    expect(res.outcome).toBe('partial');
    expect(res.sync[0]!.error).toMatch(/requires a token and none was found \(401\): set LOADTESTER_TOKEN .*token file is read as .*loadtester\.token/);
  });

  it('takes the URL from the variable urlFromEnv names, else from url', async () => {
    const state = specs([{ name: 'envurl', count: 7, targets: ['lt'] }], [{ name: 'lt', spec: { type: 'loadtester', url: `http://127.0.0.1:${await closedPort()}`, urlFromEnv: 'MY_LT_URL' } }]);
    const res = await reconcile(db.database, { state, dryRun: false, env: { SYNC_PW: PASSWORD, ...TOKEN_ENV, MY_LT_URL: lt.url }, logger: silentLogger, baseDir: outDir });
    expect(res.outcome).toBe('applied');
    expect(await ltCount('envurl')).toBe(7);
  });
});

describe('optional targets', () => {
  it('one that is down is skipped with a warning, without retries; its records stay pending and the next run sends them', async () => {
    const port = await closedPort();
    // A 15 s retry delay: waiting for it would show in the request count (and the time).
    const target = { name: 'lt', spec: { type: 'loadtester', url: `http://127.0.0.1:${port}`, optional: true, retry: { attempts: 3, delaySeconds: 15 } } };
    const state = specs([{ name: 'opt', count: 30, targets: ['lt'] }], [target]);
    const down = await run(state);
    expect(down.result.outcome).toBe('applied');
    expect(down.result.plan.targets[0]).toMatchObject({ name: 'lt', skipped: true, unreachable: expect.stringMatching(/ECONNREFUSED/) });
    expect(down.result.sync[0]).toMatchObject({ target: 'lt', upserted: 0, skipped: expect.stringMatching(/ECONNREFUSED/) });
    expect(down.result.sync[0]!.error).toBeUndefined();
    expect(down.traffic.requests).toBe(1);
    expect((await db.query(`SELECT count(*)::int AS n FROM users WHERE population = 'opt'`))[0].n).toBe(30);
    expect((await db.query(`SELECT count(*)::int AS n FROM bulk_sync_records WHERE target = 'lt'`))[0].n).toBe(0);
    expect((await db.query(`SELECT last_error FROM bulk_targets WHERE name = 'lt'`))[0].last_error).toMatch(/ECONNREFUSED/);
    const { readPopulationStatuses } = await import('../../src/db/populationStatusQueries.ts');
    const status = (await readPopulationStatuses(db.database.db, ['opt'])).get('opt')!;
    expect(status.targets).toEqual([expect.objectContaining({ target: 'lt', state: 'Unreachable', error: expect.stringMatching(/ECONNREFUSED/) })]);

    const second = await startLoadTester({ port, env: ltEnv(), logger: false });
    try {
      const up = await run(state);
      expect(up.result.outcome).toBe('applied');
      expect(up.traffic.recordsUpserted).toBe(30);
      await expectTargetEqualsDatabase(['opt']);
      expect((await run(state)).result.outcome).toBe('no-changes');
    } finally {
      await second.close();
    }
  });

  it('an optional target that answers with an error still fails the run', async () => {
    const proxy = await startFaultProxy(lt.url);
    try {
      const state = specs([{ name: 'optfail', count: 10, targets: ['lt'] }], [ltTarget(proxy.url, { optional: true, timeoutSeconds: 0.5, retry: { attempts: 1, delaySeconds: 0 } })]);
      proxy.fail('503');
      const res = await run(state);
      expect(res.result.outcome).toBe('partial');
      expect(res.result.sync[0]!.error).toMatch(/503/);
      expect(res.result.sync[0]!.skipped).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });

  it('through the CLI: exit 0 with a warning for an optional target that is down, exit 1 naming a required one', async () => {
    const { cli, specDir } = await import('../support/cli.ts');
    const port = await closedPort();
    const yaml = (optional: boolean) =>
      [
        'apiVersion: bulk-users/v1\nkind: TestUserPopulation\nmetadata: { name: cliopt }\nspec: { count: 12, usernamePattern: "cliopt_{id}", password: { fromEnv: SYNC_PW }, syncTargets: [load_tester] }',
        `apiVersion: bulk-users/v1\nkind: SyncTarget\nmetadata: { name: load_tester }\nspec: { type: loadtester, url: "http://127.0.0.1:${port}", optional: ${optional} }`,
      ].join('\n---\n');
    const optionalSpecs = specDir();
    optionalSpecs.write('a.yaml', yaml(true));
    const optional = await cli(['reconcile', '--yes', '--specs', optionalSpecs.dir], { databaseUrl: db.url, env: { SYNC_PW: PASSWORD } });
    expect(optional.code, optional.stderr).toBe(0);
    expect(optional.stdout).toContain('target "load_tester" (optional): unreachable, skipped');
    expect(optional.stderr).toMatch(/Warning: optional target "load_tester" is unreachable \(.*ECONNREFUSED.*\); its records stay pending/);

    // A required target: the default retries (3 × 15 s) would apply; one attempt keeps the test short.
    const requiredSpecs = specDir();
    requiredSpecs.write('a.yaml', yaml(false).replace('optional: false', 'optional: false, retry: { attempts: 1 }'));
    const required = await cli(['reconcile', '--yes', '--specs', requiredSpecs.dir], { databaseUrl: db.url, env: { SYNC_PW: PASSWORD } });
    expect(required.code).toBe(1);
    expect(required.stderr).toMatch(/Error: target "load_tester": .*ECONNREFUSED/);
  });
});

describe('file target confinement', () => {
  it('never replaces a file it did not write, and keeps writing its own', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(outDir, 'foreign.csv'), 'precious,data\n');
    const targets = [
      { name: 'foreign', spec: { type: 'file', path: 'foreign.csv', format: 'artillery-csv' } },
      { name: 'mine', spec: { type: 'file', path: 'sub/mine.csv', format: 'artillery-csv' } },
    ];
    const state = specs([{ name: 'conf', count: 4, targets: ['foreign', 'mine'] }], targets);
    const res = await run(state);
    expect(res.result.outcome).toBe('partial');
    expect(res.result.sync.find((s) => s.target === 'foreign')!.error).toMatch(/refusing to replace .*foreign\.csv: bulk-users did not write it \(it is not listed in .*\.bulk-users-manifest\.json\)/);
    expect(readFileSync(path.join(outDir, 'foreign.csv'), 'utf8')).toBe('precious,data\n');
    expect(parse(readFileSync(path.join(outDir, 'sub/mine.csv'), 'utf8'))).toHaveLength(4);
    const manifest = JSON.parse(readFileSync(path.join(outDir, '.bulk-users-manifest.json'), 'utf8')) as { files: Record<string, unknown> };
    expect(manifest.files['sub/mine.csv']).toEqual({ target: 'mine' });
    expect(manifest.files['foreign.csv']).toBeUndefined();
  });

  it('refuses a path that leads out of the directory through a symbolic link', async () => {
    const { symlinkSync } = await import('node:fs');
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'bu-sync-elsewhere-'));
    symlinkSync(elsewhere, path.join(outDir, 'link'));
    // A directory below the link too: nothing may be created where the link leads.
    const state = specs([{ name: 'sym', count: 3, targets: ['symfile'] }], [{ name: 'symfile', spec: { type: 'file', path: 'link/newdir/users.csv', format: 'csv' } }]);
    const res = await run(state);
    expect(res.result.sync[0]!.error).toMatch(/refusing to write .*users\.csv: it is outside the file target directory/);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('writes into out/ beside the specs directory by default, or ReconcilerConfig fileTargetDir', async () => {
    const { cli } = await import('../support/cli.ts');
    const { mkdirSync, writeFileSync, existsSync } = await import('node:fs');
    const root = mkdtempSync(path.join(tmpdir(), 'bu-sync-root-'));
    mkdirSync(path.join(root, 'specs'));
    const doc = (extra = '') =>
      'apiVersion: bulk-users/v1\nkind: TestUserPopulation\nmetadata: { name: outdir }\nspec: { count: 3, usernamePattern: "outdir_{id}", password: { fromEnv: SYNC_PW }, syncTargets: [csv_out] }\n---\n' +
      'apiVersion: bulk-users/v1\nkind: SyncTarget\nmetadata: { name: csv_out }\nspec: { type: file, path: users.csv }\n' +
      extra;
    writeFileSync(path.join(root, 'specs', 'a.yaml'), doc());
    const first = await cli(['reconcile', '--yes', '--specs', path.join(root, 'specs')], { databaseUrl: db.url, env: { SYNC_PW: PASSWORD } });
    expect(first.code, first.stderr).toBe(0);
    expect(parse(readFileSync(path.join(root, 'out', 'users.csv'), 'utf8'), { columns: true })).toHaveLength(3);

    writeFileSync(path.join(root, 'specs', 'a.yaml'), doc('---\napiVersion: bulk-users/v1\nkind: ReconcilerConfig\nmetadata: { name: config }\nspec: { fileTargetDir: generated/files }\n'));
    const moved = await cli(['reconcile', '--yes', '--specs', path.join(root, 'specs')], { databaseUrl: db.url, env: { SYNC_PW: PASSWORD } });
    expect(moved.code, moved.stderr).toBe(0);
    expect(existsSync(path.join(root, 'generated', 'files', 'users.csv'))).toBe(true);
  });
});
