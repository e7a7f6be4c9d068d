/**
 * Two steps of `npm run bench` for the users summary (migration 0009):
 *
 * - readEndpoints: p50/p95 of the read endpoints with 10 concurrent clients, against a
 *   server of this process on a free loopback port (an API key of its own).
 * - writeOverhead: what the summary's triggers cost the application's own writes on the
 *   users table: single-row INSERTs and DELETEs of production users and UPDATEs of a
 *   non-ownership column (last_login) of test users, 4 concurrent clients, a fixed number
 *   of autocommit statements, with the triggers enabled and disabled (alternating chunks,
 *   seconds summed per mode); and the reconciler's own create batches (1000 test users each,
 *   keeping the summary in their transaction) against the same batches without the
 *   triggers and the summary statements. Leaves the table as it found it (rows and columns), and checks the
 *   summary against a fresh count afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { insertMembers } from '../src/db/insertMembers.ts';
import { openDatabase } from '../src/db/openDatabase.ts';
import { createdGroupShape, createdGroupSql, KEEP_SUMMARY_SQL, verifyUserSummary } from '../src/db/userSummary.ts';
import { createApiKey } from '../src/server/auth/createApiKey.ts';
import { startServer } from '../src/server/startServer.ts';

export interface EndpointFigures {
  path: string;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** Each endpoint in turn: `clients` loops each sending `perClient` requests back to back. */
export async function readEndpoints(opts: { databaseUrl: string; specText: string; env: NodeJS.ProcessEnv; batchId: string; clients: number; perClient: number }): Promise<EndpointFigures[]> {
  const specsDir = mkdtempSync(path.join(os.tmpdir(), 'bu-bench-reads-'));
  writeFileSync(path.join(specsDir, 'bench.yaml'), opts.specText);
  const env = { ...opts.env, DATABASE_URL: opts.databaseUrl, BULK_USERS_SECRET_KEY: randomBytes(32).toString('base64'), BULK_USERS_DATA_DIR: specsDir };
  const database = await openDatabase({ url: opts.databaseUrl, poolSize: 1 });
  const key = await createApiKey(database.db, `bench-${randomBytes(3).toString('hex')}`);
  await database.close();
  const server = await startServer({ port: 0, host: '127.0.0.1', specsDir, env, logger: false });
  try {
    const paths = ['/api/bulk-users/stats', '/api/bulk-users/batches', `/api/bulk-users/batches/${opts.batchId}`, '/api/bulk-users/sync/status', '/api/bulk-users/lifecycle/cleanup-candidates'];
    const out: EndpointFigures[] = [];
    for (const p of paths) {
      const get = async (): Promise<number> => {
        const started = performance.now();
        const res = await fetch(`${server.url}${p}`, { headers: { 'x-api-key': key.token } });
        await res.text();
        if (res.status !== 200) throw new Error(`GET ${p}: HTTP ${res.status}`);
        return performance.now() - started;
      };
      await get(); // warm: compiled routes, pooled connections
      const times: number[] = [];
      await Promise.all(Array.from({ length: opts.clients }, async () => {
        for (let i = 0; i < opts.perClient; i++) times.push(await get());
      }));
      times.sort((a, b) => a - b);
      out.push({ path: p, requests: times.length, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), maxMs: times[times.length - 1]! });
    }
    return out;
  } finally {
    await server.close();
    rmSync(specsDir, { recursive: true, force: true });
  }
}

export interface WriteWorkload {
  name: 'insert' | 'update' | 'delete' | 'create';
  statements: number;
  withTriggersPerSecond: number;
  withoutTriggersPerSecond: number;
  /** with / without: 1 is no cost; the target is ≥ 0.95. */
  ratio: number;
}

const TRIGGERS = ['insert', 'delete', 'update', 'truncate'].map((e) => `bulk_user_summarize_${e}`);

export async function writeOverhead(opts: { databaseUrl: string; productionUsers: number; statements: number; clients: number; chunks: number; createBatches: number }): Promise<{ workloads: WriteWorkload[]; summaryDifferences: number }> {
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.clients + 1, application_name: 'bulk-users-bench-app' });
  const q = async (text: string, params: unknown[] = []) => (await pool.query(text, params)).rows;
  try {
    await q('ALTER TABLE users ADD COLUMN IF NOT EXISTS last_login timestamptz');
    await q(`INSERT INTO users (username, email, is_test_user) SELECT 'app_' || i, 'app_' || i || '@app.example', false FROM generate_series(1, $1::int) i`, [opts.productionUsers]);
    const testIds = (await q(`SELECT id FROM users WHERE is_test_user ORDER BY random() LIMIT $1`, [opts.statements])).map((r) => Number(r.id));
    await q('ANALYZE users');
    const setTriggers = (on: boolean) => q(TRIGGERS.map((t) => `ALTER TABLE users ${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${t}`).join('; '));
    /** `clients` loops sharing `count` statements; returns the seconds taken. */
    const drive = async (count: number, statement: (i: number) => [string, unknown[]]): Promise<number> => {
      let next = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: opts.clients }, async () => {
        const c = await pool.connect();
        try {
          for (let i = next++; i < count; i = next++) await c.query(...statement(i));
        } finally {
          c.release();
        }
      }));
      return (performance.now() - started) / 1000;
    };
    // The machine's load drifts (other processes, checkpoints, autovacuum): on and off run
    // in alternating chunks, so both see the same conditions, and the seconds are summed.
    const per = Math.max(1, Math.floor(opts.statements / opts.chunks));
    const seconds: Record<WriteWorkload['name'], { on: number; off: number }> = { insert: { on: 0, off: 0 }, update: { on: 0, off: 0 }, delete: { on: 0, off: 0 }, create: { on: 0, off: 0 } };
    const alternate = async (name: WriteWorkload['name'], chunk: (k: number, mode: 'on' | 'off') => Promise<number>) => {
      for (let k = 0; k < opts.chunks; k++) {
        for (const mode of k % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
          await setTriggers(mode === 'on');
          seconds[name][mode] += await chunk(k, mode);
        }
      }
    };
    // Signups, logins of test users, then the signups leave again (by primary key).
    await alternate('insert', (k, mode) => drive(per, (i) => [`INSERT INTO users (username, email, is_test_user) VALUES ($1, $2, false)`, [`signup_${k}_${mode}_${i}`, `signup_${k}_${mode}_${i}@app.example`]]));
    await alternate('update', (k) => drive(per, (i) => [`UPDATE users SET last_login = now() WHERE id = $1`, [testIds[(k * per + i) % testIds.length]]]));
    const signups = (await q(`SELECT id FROM users WHERE username LIKE 'signup\\_%' ORDER BY id`)).map((r) => Number(r.id));
    await alternate('delete', (k, mode) => drive(per, (i) => [`DELETE FROM users WHERE id = $1`, [signups[(2 * k + (mode === 'on' ? 0 : 1)) * per + i]]]));
    // The reconciler's own create path: batches of 1000 test users in one stream, each
    // keeping the summary in its transaction (triggers on: the insert trigger's condition
    // is evaluated for every row even though it steps aside) against the same batches with the
    // triggers off and no summary statement.
    const createBatch = (k: number, mode: 'on' | 'off') => {
      const population = `bench_create_${mode}`;
      const b = { population, prefix: `${population}_`, suffix: '', emailDomain: 'create.example', passwordHash: 'x', contentHash: 'h', attributes: {}, expiresAt: null };
      return async (): Promise<number> => {
        const started = performance.now();
        for (let j = 0; j < opts.createBatches; j++) {
          const from = (k * opts.createBatches + j) * 1000 + 1;
          const shape = createdGroupShape(b.prefix, b.suffix)!;
          const around = mode === 'on' ? { before: KEEP_SUMMARY_SQL, after: createdGroupSql({ population, contentHash: 'h', expiresAt: null, shape, count: 1000, from, to: from + 999 }) } : undefined;
          await insertMembers(pool, { ...b, from, to: from + 999 }, around);
        }
        return (performance.now() - started) / 1000;
      };
    };
    // A batch reads its password hash from the population's record, as in a run.
    for (const mode of ['on', 'off']) {
      await q(`INSERT INTO bulk_populations (name, spec, spec_hash, username_pattern, password_hash) VALUES ('bench_create_${mode}', '{}', 'bench', 'bench_create_${mode}_{id}', 'x')`);
    }
    await alternate('create', (k, mode) => createBatch(k, mode)());
    await setTriggers(false);
    await q(`DELETE FROM users WHERE population = 'bench_create_off'`);
    await setTriggers(true);
    await q(`DELETE FROM users WHERE population = 'bench_create_on'`);
    await q(`DELETE FROM bulk_populations WHERE name IN ('bench_create_on', 'bench_create_off')`);
    await q(`DELETE FROM users WHERE NOT is_test_user AND username LIKE 'app\\_%'`);
    await q('ALTER TABLE users DROP COLUMN last_login');
    const database = await openDatabase({ url: opts.databaseUrl, poolSize: 1, migrate: false });
    const { differences } = await verifyUserSummary(database.db).finally(() => database.close());
    const total = per * opts.chunks;
    const workloads = (['insert', 'update', 'delete', 'create'] as const).map((name) => {
      const statements = name === 'create' ? opts.chunks * opts.createBatches : total;
      return { name, statements, withTriggersPerSecond: statements / seconds[name].on, withoutTriggersPerSecond: statements / seconds[name].off, ratio: seconds[name].off / seconds[name].on };
    });
    return { workloads, summaryDifferences: differences };
  } finally {
    await pool.end();
  }
}
