import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { digestAllPopulationsFromRecords } from '../../src/loadtester/computeDigests.ts';
import type { LoadTesterDatabase } from '../../src/loadtester/loadTesterSchema.ts';
import { migrateLoadTester } from '../../src/loadtester/migrateLoadTester.ts';
import type { CredentialInput } from '../../src/loadtester/routeSchemas.ts';
import { startLoadTester, type RunningLoadTester } from '../../src/loadtester/startLoadTester.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

/**
 * The per-population count and digest the credentials' triggers keep (populationSummary.ts)
 * against a fresh aggregate of the credentials, through the real service on loopback.
 */

const TOKEN = randomBytes(32).toString('base64url');
const AUTH = { authorization: `Bearer ${TOKEN}` };

let tdb: TestDatabase;
let env: NodeJS.ProcessEnv;
let server: RunningLoadTester;
let db: Kysely<LoadTesterDatabase>;

function quietPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', () => {});
  return pool;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  env = { LOADTESTER_DATABASE_URL: tdb.url, BULK_USERS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bu-ltsummary-')), LOADTESTER_TOKEN: TOKEN };
  server = await startLoadTester({ port: 0, env, logger: process.env.DEBUG_LT ? (await import('pino')).default({ level: 'error' }) : false });
  db = new Kysely<LoadTesterDatabase>({ dialect: new PostgresDialect({ pool: quietPool({ connectionString: tdb.url, max: 2 }) }) });
});

afterAll(async () => {
  await db?.destroy();
  await server?.close();
  await tdb?.drop();
});

beforeEach(async () => {
  await tdb.query('TRUNCATE loadtester.credentials');
});

function rec(population: string, i: number, hash = `h${i}`): CredentialInput {
  return { username: `u${String(i).padStart(5, '0')}`, password: `pw-${i}`, population, content_hash: hash };
}

async function call(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${route}`, {
    method,
    headers: { ...AUTH, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

async function upsert(users: CredentialInput[]): Promise<void> {
  const res = await call('POST', '/api/users/bulk-upsert', { users });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function remove(usernames: string[]): Promise<void> {
  const res = await call('POST', '/api/users/bulk-delete', { usernames });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const TWO_64 = 1n << 64n;

/** The protocol's digest computed in JavaScript from the rows themselves. */
async function jsDigests(): Promise<Record<string, { count: number; digest: string }>> {
  const rows = await tdb.query<{ username: string; population: string; content_hash: string }>('SELECT username, population, content_hash FROM loadtester.credentials');
  const sums = new Map<string, { count: number; sum: bigint }>();
  for (const r of rows) {
    const item = createHash('md5').update(`${r.username}:${r.content_hash}`, 'utf8').digest().readBigInt64BE(0);
    const s = sums.get(r.population) ?? { count: 0, sum: 0n };
    sums.set(r.population, { count: s.count + 1, sum: s.sum + item });
  }
  const out: Record<string, { count: number; digest: string }> = {};
  for (const [p, s] of [...sums].sort(([a], [b]) => (a < b ? -1 : 1))) out[p] = { count: s.count, digest: (((s.sum % TWO_64) + TWO_64) % TWO_64).toString() };
  return out;
}

/** The endpoint's answer equals the full computation and the independent one; the self-check finds nothing. */
async function expectSummaryFresh(): Promise<Record<string, { count: number; digest: string }>> {
  const served = await call('GET', '/api/users/digest');
  expect(served.status).toBe(200);
  const full = { ...(await digestAllPopulationsFromRecords(db)) };
  expect(served.body.populations).toEqual(full);
  expect(served.body.populations).toEqual(await jsDigests());
  const stats = await call('GET', '/api/users/stats');
  expect(stats.body.populations).toEqual(Object.fromEntries(Object.entries(full).map(([p, d]) => [p, d.count])));
  const check = await call('POST', '/api/users/digest/verify');
  expect(check.status).toBe(200);
  expect(check.body).toMatchObject({ mismatched: [], repaired: false });
  return served.body.populations;
}

describe('per-population digest summary', () => {
  it('equals a fresh aggregate after inserts, updates, unchanged upserts, moves, deletes and TRUNCATE', async () => {
    await upsert([...Array.from({ length: 30 }, (_, i) => rec('alpha', i)), ...Array.from({ length: 20 }, (_, i) => rec('beta', 100 + i))]);
    const first = await expectSummaryFresh();
    expect(first.alpha?.count).toBe(30);

    // Unchanged records write nothing; changed hashes change the digest, not the count.
    await upsert(Array.from({ length: 30 }, (_, i) => rec('alpha', i, i < 10 ? `changed${i}` : `h${i}`)));
    const changed = await expectSummaryFresh();
    expect(changed.alpha?.count).toBe(30);
    expect(changed.alpha?.digest).not.toBe(first.alpha?.digest);

    // Moves between populations, mixed with new records, in one statement.
    await upsert([...Array.from({ length: 5 }, (_, i) => rec('beta', i)), ...Array.from({ length: 5 }, (_, i) => rec('gamma', 100 + i, `moved${i}`)), rec('gamma', 999)]);
    const moved = await expectSummaryFresh();
    expect(moved).toMatchObject({ alpha: { count: 25 }, beta: { count: 20 }, gamma: { count: 6 } });

    // Deletes, down to an emptied population, which disappears from the answer.
    await remove(['u00999', ...Array.from({ length: 5 }, (_, i) => `u${String(100 + i).padStart(5, '0')}`), 'nobody']);
    const deleted = await expectSummaryFresh();
    expect(Object.keys(deleted)).toEqual(['alpha', 'beta']);

    // Writes by hand (psql), not through the service: the triggers see them too.
    await tdb.query(`UPDATE loadtester.credentials SET population = 'delta' WHERE username < 'u00005'`);
    await tdb.query(`UPDATE loadtester.credentials SET content_hash = content_hash || 'x' WHERE population = 'beta'`);
    await tdb.query(`DELETE FROM loadtester.credentials WHERE username IN ('u00020', 'u00110')`);
    await tdb.query(`UPDATE loadtester.credentials SET updated_at = now()`);
    expect(await expectSummaryFresh()).toMatchObject({ delta: { count: 5 } });

    await tdb.query('TRUNCATE loadtester.credentials');
    expect(await tdb.query('SELECT count(*)::int AS n FROM loadtester.population_summary')).toEqual([{ n: 0 }]);
    expect(await tdb.query('SELECT count(*)::int AS n FROM loadtester.population_deltas')).toEqual([{ n: 0 }]);
    expect(await expectSummaryFresh()).toEqual({});
    await upsert([rec('alpha', 1)]);
    expect(await expectSummaryFresh()).toEqual({ alpha: { count: 1, digest: expect.any(String) } });
  });

  it('folds the deltas on read, so they do not pile up', async () => {
    for (let i = 0; i < 5; i++) await upsert([rec('alpha', i), rec('beta', 100 + i)]);
    expect((await tdb.query('SELECT count(*)::int AS n FROM loadtester.population_deltas'))[0].n).toBeGreaterThan(0);
    await expectSummaryFresh();
    expect(await tdb.query('SELECT count(*)::int AS n FROM loadtester.population_deltas')).toEqual([{ n: 0 }]);
    expect(await tdb.query('SELECT population, count::int AS count FROM loadtester.population_summary ORDER BY population')).toEqual([
      { population: 'alpha', count: 5 },
      { population: 'beta', count: 5 },
    ]);
  });

  it('detects and repairs writes that bypassed the triggers, on demand and at start', async () => {
    await upsert(Array.from({ length: 10 }, (_, i) => rec(i % 2 ? 'odd' : 'even', i)));
    await expectSummaryFresh();
    const bypass = async (statement: string): Promise<void> => {
      // What a data-only pg_restore --disable-triggers does.
      await tdb.query(`ALTER TABLE loadtester.credentials DISABLE TRIGGER USER`);
      try {
        await tdb.query(statement);
      } finally {
        await tdb.query(`ALTER TABLE loadtester.credentials ENABLE TRIGGER USER`);
      }
    };

    // A write route: no token, no check.
    expect((await fetch(`${server.url}/api/users/digest/verify`, { method: 'POST' })).status).toBe(401);

    await bypass(`UPDATE loadtester.credentials SET population = 'stray' WHERE username = 'u00003'`);
    const check = await call('POST', '/api/users/digest/verify');
    expect(check.body).toEqual({ mismatched: ['odd', 'stray'].sort(), checked: 3, repaired: true });
    expect(await expectSummaryFresh()).toMatchObject({ stray: { count: 1 }, odd: { count: 4 } });

    await bypass(`DELETE FROM loadtester.credentials WHERE population = 'stray'`);
    const again = await startLoadTester({ port: 0, env, logger: false });
    await again.close();
    expect(await expectSummaryFresh()).toEqual({ even: expect.anything(), odd: expect.anything() });
  });

  it('is backfilled when an older schema is upgraded', async () => {
    const old = await createTestDatabase();
    const handle = new Kysely<LoadTesterDatabase>({ dialect: new PostgresDialect({ pool: quietPool({ connectionString: old.url, max: 2 }) }) });
    try {
      await migrateLoadTester(handle, '0002_bucket_index');
      await old.query(
        `INSERT INTO loadtester.credentials (username, population, password_enc, content_hash)
         SELECT 'x' || g, 'p' || (g % 3), 'enc', 'h' || g FROM generate_series(1, 300) g`,
      );
      const before = await digestAllPopulationsFromRecords(handle);
      await migrateLoadTester(handle);
      expect(await old.query(`SELECT population, count::int AS count, digest::text AS digest FROM loadtester.population_summary ORDER BY population`)).toEqual(
        Object.entries(before).map(([population, d]) => ({ population, ...d })),
      );
    } finally {
      await handle.destroy();
      await old.drop();
    }
  });

  it('takes concurrent writers mixing populations without a deadlock, and stays exact', async () => {
    const POPULATIONS = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const CLIENTS = 8;
    const REQUESTS = 50;
    const USERNAMES = 600; // shared by every client: rows move between populations and collide
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const client = async (c: number): Promise<void> => {
      for (let r = 0; r < REQUESTS; r++) {
        // Small batches touch a few populations each, in different orders in the UPDATE and
        // INSERT trigger passes of one upsert: what deadlocks summary rows updated in place.
        const size = r % 2 === 0 ? 2 + random(3) : 20 + random(80);
        const picked = new Set<number>();
        while (picked.size < size) picked.add(random(USERNAMES));
        const ids = [...picked]; // random order, and each batch mixes the five populations
        const res =
          random(5) === 0
            ? await call('POST', '/api/users/bulk-delete', { usernames: ids.map((i) => `u${String(i).padStart(5, '0')}`) })
            : await call('POST', '/api/users/bulk-upsert', { users: ids.map((i) => rec(POPULATIONS[random(POPULATIONS.length)]!, i, `c${c}r${r}`)) });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (process.env.DEBUG_LT && res.status !== 200) console.log("FAIL", c, r, res.status, Date.now(), JSON.stringify(res.body));
        if (res.status !== 200) failures.push(JSON.stringify(res.body));
        // Readers fold concurrently with the writers.
        if (r % 10 === 0) {
          const digest = await call('GET', '/api/users/digest');
          statuses.set(digest.status, (statuses.get(digest.status) ?? 0) + 1);
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    expect(failures).toEqual([]);
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBe(CLIENTS * REQUESTS + CLIENTS * (REQUESTS / 10));
    const after = await expectSummaryFresh();
    expect(Object.keys(after).length).toBeGreaterThan(1);
  });
});
