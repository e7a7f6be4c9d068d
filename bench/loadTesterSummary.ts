/**
 * Measures what the Load Tester's per-population digest summary (migration 0003 of
 * migrateLoadTester) costs and saves, on a scratch database of the given server:
 *
 *   npx tsx bench/loadTesterSummary.ts [N=200000]     (DATABASE_URL, else the embedded server)
 *
 * - the unfiltered digest: full aggregate (before) against the summary (after);
 * - bulk-upsert throughput with and without the triggers: a sequential load of N records,
 *   a sequential rewrite of them all, and 8 concurrent writers mixing 5 populations;
 * - the same concurrent writers against the alternative design (summary rows updated in
 *   population order by the triggers themselves), counting deadlocks.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { resolveDatabaseUrl } from '../src/db/openDatabase.ts';
import { digestAllPopulations, digestAllPopulationsFromRecords } from '../src/loadtester/computeDigests.ts';
import { deleteCredentials } from '../src/loadtester/deleteCredentials.ts';
import type { LoadTesterDatabase } from '../src/loadtester/loadTesterSchema.ts';
import { migrateLoadTester } from '../src/loadtester/migrateLoadTester.ts';
import type { CredentialInput } from '../src/loadtester/routeSchemas.ts';
import { upsertCredentials } from '../src/loadtester/upsertCredentials.ts';

const N = Number(process.argv[2] ?? 200_000);
const POPULATIONS = ['p1', 'p2', 'p3', 'p4', 'p5'];
const KEY = randomBytes(32);

type Variant = 'before' | 'after' | 'ordered';

/** The rejected design: each trigger pass updates summary rows itself, in population order. */
async function installOrderedTriggers(db: Kysely<LoadTesterDatabase>): Promise<void> {
  const item = (t: string): string => `('x' || substr(md5(${t}.username || ':' || ${t}.content_hash), 1, 16))::bit(64)::bigint::numeric`;
  const rowsOf = (from: string, s: string): string => `SELECT population, ${s}1 AS n, ${s}${item('r')} AS d FROM ${from} r`;
  const apply = (rows: string): string => `
    INSERT INTO loadtester.population_summary AS s (population, count, digest)
    SELECT population, sum(n), (sum(d) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616 FROM (${rows}) x
    GROUP BY population ORDER BY population
    ON CONFLICT (population) DO UPDATE SET count = s.count + excluded.count, digest = (s.digest + excluded.digest) % 18446744073709551616`;
  const bodies = { insert: apply(rowsOf('added', '+')), delete: apply(rowsOf('removed', '-')), update: apply(`${rowsOf('added', '+')} UNION ALL ${rowsOf('removed', '-')}`) };
  for (const [event, body] of Object.entries(bodies)) {
    await sql.raw(`CREATE OR REPLACE FUNCTION loadtester.summarize_${event}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body}; RETURN NULL; END $$`).execute(db);
  }
}

function record(i: number, population: string, hash: string): CredentialInput {
  return { username: `user${String(i).padStart(7, '0')}`, password: `pw${i}`, population, content_hash: hash };
}

async function time<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
}

async function median(f: () => Promise<unknown>, runs = 5): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await time(f))[1]);
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

async function run(adminUrl: string, variant: Variant): Promise<Record<string, number | string>> {
  const name = `lt_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: u.toString(), max: 10 });
  pool.on('error', () => {});
  const db = new Kysely<LoadTesterDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateLoadTester(db, variant === 'before' ? '0002_bucket_index' : undefined);
    if (variant === 'ordered') await installOrderedTriggers(db);
    const batch = 10_000;
    const [, loadMs] = await time(async () => {
      for (let i = 0; i < N; i += batch) {
        await upsertCredentials(db, KEY, Array.from({ length: Math.min(batch, N - i) }, (_, j) => record(i + j, POPULATIONS[(i + j) % 5]!, 'h0')));
      }
    });
    const [, rewriteMs] = await time(async () => {
      for (let i = 0; i < N; i += batch) {
        await upsertCredentials(db, KEY, Array.from({ length: Math.min(batch, N - i) }, (_, j) => record(i + j, POPULATIONS[(i + j) % 5]!, 'h1')));
      }
    });
    await sql`VACUUM ANALYZE loadtester.credentials`.execute(db);
    const digestMs = await median(() => (variant === 'before' ? digestAllPopulationsFromRecords(db) : digestAllPopulations(db)));

    // 8 writers x 50 requests of 100 records in random order across 5 populations, one in
    // five a delete; deadlocks counted, not retried. The records overlap half the loaded
    // ones and half new ones, so upserts both insert and update (both trigger passes).
    const HOT = Math.max(0, N - 1000);
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const concurrent = async (requests: number, size: () => number): Promise<{ recordsPerS: number; deadlocks: number; otherErrors: number }> => {
      let deadlocks = 0;
      let otherErrors = 0;
      let records = 0;
      const [, ms] = await time(() =>
        Promise.all(
          Array.from({ length: 8 }, async (_, c) => {
            for (let r = 0; r < requests; r++) {
              const ids = new Set<number>();
              const n = size();
              while (ids.size < n) ids.add(HOT + random(2000));
              try {
                if (random(5) === 0) await deleteCredentials(db, [...ids].map((i) => record(i, 'p1', '').username));
                else await upsertCredentials(db, KEY, [...ids].map((i) => record(i, POPULATIONS[random(5)]!, `c${c}r${r}`)));
                records += ids.size;
              } catch (err) {
                if ((err as { code?: string }).code === '40P01') deadlocks++;
                else otherErrors++;
              }
            }
          }),
        ),
      );
      return { recordsPerS: Math.round(records / (ms / 1000)), deadlocks, otherErrors };
    };
    // Batches of 100 touch all five populations in both passes; batches of 2 to 4 touch a
    // few, in different orders across the UPDATE and INSERT passes of one statement.
    const large = await concurrent(50, () => 100);
    const small = await concurrent(400, () => 2 + random(3));
    let exact = 'n/a';
    if (variant !== 'before') {
      const summary = JSON.stringify(await digestAllPopulations(db));
      exact = String(summary === JSON.stringify(await digestAllPopulationsFromRecords(db)));
    }
    return {
      variant,
      loadRecordsPerS: Math.round(N / (loadMs / 1000)),
      rewriteRecordsPerS: Math.round(N / (rewriteMs / 1000)),
      digestMs: Math.round(digestMs * 10) / 10,
      concurrent100RecordsPerS: large.recordsPerS,
      concurrent100Deadlocks: large.deadlocks,
      concurrentSmallRecordsPerS: small.recordsPerS,
      concurrentSmallDeadlocks: small.deadlocks,
      otherErrors: large.otherErrors + small.otherErrors,
      summaryExact: exact,
    };
  } finally {
    await db.destroy();
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const { url } = await resolveDatabaseUrl(process.env);
const variants = (process.env.VARIANTS ?? 'before,after,ordered').split(',') as Variant[];
for (const v of variants) console.log(JSON.stringify(await run(url, v)));
