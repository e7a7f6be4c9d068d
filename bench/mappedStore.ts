/**
 * `npm run bench:mapped [-- --users N] [--repeat N] [--batch-size N] [--streams 3,4] [--out FILE]`
 *
 * A create into the application's own table (Django's auth_user) through a userStore
 * mapping, against single-stream COPY of the same rows into a table like it (same columns,
 * defaults and indexes). The reconciler runs as configured by default (writeStreams left
 * to the reconciler: it measures one stream against two on the first batches), and with
 * writeStreams 1 and 2 fixed. The mapped create writes the
 * ownership table too, in the same statements; the COPY writes only the application's
 * table, so the ratio includes what ownership costs. Reconcile times are whole runs
 * (observe, plan, apply, status); the create phase alone (first batch started to last batch
 * done, from the reconciler's own batch log records) is reported beside them, so what the
 * rest of the run costs shows. `--streams` adds runs with other writeStreams values, to
 * see how the machine scales. Best of `--repeat` rounds each (default 3; the order rotates each round), N default
 * 200,000. Prints the ratios (reconcile rows/s ÷ COPY rows/s; the target is at least 0.7
 * for the default configuration) and writes the figures to bench/results/mapped-latest.json
 * (or --out). On a database of its own, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { from as copyFrom } from 'pg-copy-streams';
import { copyField } from '../src/db/copyInTransaction.ts';
import { ensureEmbeddedPostgres } from '../src/db/embeddedPostgres.ts';
import { openDatabase, redactUrl } from '../src/db/openDatabase.ts';
import { reconcile } from '../src/reconcile/reconcile.ts';
import { buildDesiredState } from '../src/spec/loadSpecs.ts';
import { positiveInt } from './positiveInt.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: { users: { type: 'string' }, repeat: { type: 'string' }, out: { type: 'string' }, 'batch-size': { type: 'string' }, streams: { type: 'string' } },
  strict: true,
});
const N = positiveInt(args.users, '--users', 200_000);
const REPEAT = positiveInt(args.repeat, '--repeat', 3);
const BATCH_SIZE = positiveInt(args['batch-size'], '--batch-size', 10_000);
const EXTRA_STREAMS = (args.streams ?? '').split(',').filter(Boolean).map((v) => positiveInt(v, '--streams', 1)).filter((n) => n !== 1 && n !== 2);
const OUT = path.resolve(args.out ?? path.join(benchDir, 'results', 'mapped-latest.json'));
const TARGET_RATIO = 0.7;
const PASSWORD_ENV = 'BENCH_MAPPED_PASSWORD';

const log = (msg: string): void => void process.stderr.write(`[bench:mapped] ${msg}\n`);

/** Django's auth_user, as its migrations create it: the realistic shape of an application's table. */
const TABLE_DDL = `
  CREATE TABLE %s (
    id serial PRIMARY KEY,
    password varchar(128) NOT NULL,
    last_login timestamptz NULL,
    is_superuser boolean NOT NULL,
    username varchar(150) NOT NULL UNIQUE,
    first_name varchar(150) NOT NULL,
    last_name varchar(150) NOT NULL,
    email varchar(254) NOT NULL,
    is_staff boolean NOT NULL,
    is_active boolean NOT NULL,
    date_joined timestamptz NOT NULL
  )`;
const MARKER = 'bulk-users test user';

const STORE = {
  table: 'public.auth_user',
  primaryKey: 'id',
  columns: { username: 'username', email: 'email', passwordHash: 'password' },
  testUserMarker: { column: 'last_name', equals: MARKER },
  staticColumns: { is_superuser: false, is_staff: false, is_active: true, first_name: '', date_joined: { now: true } },
};

/** A writeStreams value for the ReconcilerConfig; 'default' leaves it out. */
type Streams = number | 'default';
const label = (c: Streams): string => (c === 'default' ? 'default writeStreams' : `writeStreams ${c}`);
/** The default configuration first (the ratio that counts), then fixed stream counts. */
const CONFIGS: Streams[] = ['default', 1, 2, ...EXTRA_STREAMS];

function specs(writeStreams: Streams): string {
  return [
    ['apiVersion: bulk-users/v1', 'kind: ReconcilerConfig', 'metadata: { name: config }', `spec: ${JSON.stringify({ userStore: STORE, ...(writeStreams === 'default' ? {} : { writeStreams }), maxDeletePercent: 100 })}`].join('\n'),
    [
      'apiVersion: bulk-users/v1',
      'kind: TestUserPopulation',
      'metadata: { name: bench-mapped }',
      `spec: ${JSON.stringify({ count: N, usernamePattern: 'bm_{id}', emailDomain: 'bench.example', batchSize: BATCH_SIZE, password: { fromEnv: PASSWORD_ENV } })}`,
    ].join('\n'),
  ].join('\n---\n');
}

/** COPY of the rows the reconciler wrote (read back: same hash, same values) into `table`. */
async function copyInto(client: pg.Client, table: string, hash: string): Promise<number> {
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(TABLE_DDL.replace('%s', table));
  await client.query('CHECKPOINT');
  const started = performance.now();
  await client.query('BEGIN');
  await client.query('SET LOCAL synchronous_commit = off');
  const joined = new Date().toISOString();
  function* chunks(): Generator<string> {
    let buf = '';
    for (let s = 1; s <= N; s++) {
      const u = `bm_${s}`;
      buf += `${copyField(hash)}\tf\t${u}\t\t${copyField(MARKER)}\t${u}@bench.example\tf\tt\t${joined}\n`;
      if (buf.length > 65536) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(`COPY ${table} (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) FROM STDIN`)));
  await client.query('COMMIT');
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const admin = process.env.DATABASE_URL ?? (await ensureEmbeddedPostgres(path.resolve(process.env.BULK_USERS_DATA_DIR ?? '.data'))).url;
  const dbName = `bench_mapped_${randomBytes(5).toString('hex')}`;
  const u = new URL(admin);
  u.pathname = `/${dbName}`;
  const url = u.toString();
  const adminClient = new pg.Client({ connectionString: admin });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${dbName}`);
  log(`N = ${N.toLocaleString('en-US')}, database ${dbName} on ${redactUrl(admin).replace(/\/[^/]*$/, '')}`);
  const database = await openDatabase({ url });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const stateFor = (streams: Streams) => {
      const built = buildDesiredState([{ file: 'bench.yaml', text: specs(streams) }]);
      const errors = built.problems.filter((p) => p.severity === 'error');
      if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
      return built.state;
    };
    const env = { [PASSWORD_ENV]: randomBytes(12).toString('hex') };
    const runs = new Map<Streams, { seconds: number[]; createPhase: number[]; chosen: unknown[] }>(CONFIGS.map((c) => [c, { seconds: [], createPhase: [], chosen: [] }]));
    const copySeconds: number[] = [];
    const reconcileOnce = async (streams: Streams): Promise<string> => {
      await client.query('DROP TABLE IF EXISTS public.auth_user');
      await client.query(TABLE_DDL.replace('%s', 'public.auth_user'));
      await client.query('TRUNCATE bulk_user_ownership, bulk_populations, bulk_user_store');
      await client.query('CHECKPOINT');
      const batches = { first: Infinity, last: -Infinity };
      const logger = pino({ level: 'info' }, {
        write(line: string): void {
          const rec = JSON.parse(line) as { msg?: string; execution_time?: number; time: number };
          if (rec.msg !== 'create batch' || typeof rec.execution_time !== 'number') return;
          batches.first = Math.min(batches.first, rec.time - rec.execution_time * 1000);
          batches.last = Math.max(batches.last, rec.time);
        },
      });
      const started = performance.now();
      const result = await reconcile(database, { state: stateFor(streams), dryRun: false, env, confirm: async () => true, logger });
      const run = runs.get(streams)!;
      run.seconds.push((performance.now() - started) / 1000);
      run.createPhase.push((batches.last - batches.first) / 1000);
      run.chosen.push(result.applied?.writeStreams);
      if (result.applied?.created !== N) throw new Error(`the reconciler created ${result.applied?.created} rows, not ${N}`);
      return (await client.query<{ password: string }>('SELECT password FROM public.auth_user LIMIT 1')).rows[0]!.password;
    };
    for (let round = 1; round <= REPEAT; round++) {
      let hash = '';
      // Rotated each round: the first run of a round measured about a second slower at 1M
      // whatever it was, so no configuration is always first.
      const shift = (round - 1) % CONFIGS.length;
      for (const c of [...CONFIGS.slice(shift), ...CONFIGS.slice(0, shift)]) hash = await reconcileOnce(c);
      copySeconds.push(await copyInto(client, 'public.auth_user_copy', hash));
      log(`round ${round}: ${CONFIGS.map((c) => `${label(c)} ${runs.get(c)!.seconds.at(-1)!.toFixed(2)} s`).join(', ')}, COPY ${copySeconds.at(-1)!.toFixed(2)} s`);
    }
    // A no-op on the table the last run filled: the mapped store reads its members through
    // the ownership table and the application's rows (the embedded table's users summary
    // does not cover it), so this grows with N.
    const noopSeconds: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const result = await reconcile(database, { state: stateFor('default'), dryRun: false, env, confirm: async () => true });
      noopSeconds.push((performance.now() - started) / 1000);
      if (result.plan.hasChanges) throw new Error('the run after the create was not a no-op');
    }
    const noop = Math.min(...noopSeconds);
    const copy = Math.min(...copySeconds);
    const summary = CONFIGS.map((c) => {
      const run = runs.get(c)!;
      const seconds = Math.min(...run.seconds);
      const best = run.seconds.indexOf(seconds);
      return { writeStreams: c, seconds, rowsPerSecond: N / seconds, createPhaseSeconds: run.createPhase[best]!, ratioToCopy: copy / seconds, applied: run.chosen[best], all: run.seconds };
    });
    const main = summary[0]!;
    const figures = {
      n: N,
      rounds: REPEAT,
      batchSize: BATCH_SIZE,
      reconcile: summary,
      copy: { seconds: copy, rowsPerSecond: N / copy, all: copySeconds },
      noop: { seconds: noop, all: noopSeconds },
      ratio: { mappedCreateToCopy: main.ratioToCopy, target: TARGET_RATIO, met: main.ratioToCopy >= TARGET_RATIO },
    };
    mkdirSync(path.dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(figures, null, 2)}\n`);
    const chosen = (a: unknown): string => {
      const w = a as { streams?: number; order?: string; measured?: { oneStream: number; twoStreams: number } } | undefined;
      if (!w) return '';
      const measured = w.measured ? `, measured ${Math.round(w.measured.oneStream).toLocaleString('en-US')} vs ${Math.round(w.measured.twoStreams).toLocaleString('en-US')} rows/s` : '';
      return ` [${w.streams} stream(s), ${w.order} order${measured}]`;
    };
    process.stdout.write(
      [
        ...summary.map(
          (r) =>
            `mapped create, whole reconcile, ${label(r.writeStreams).padEnd(24)} ${r.seconds.toFixed(2)} s (create phase ${r.createPhaseSeconds.toFixed(2)} s), ${Math.round(r.rowsPerSecond).toLocaleString('en-US')} rows/s, ratio ${r.ratioToCopy.toFixed(2)}${chosen(r.applied)}`,
        ),
        `COPY into the same table (1 stream, seq order): ${copy.toFixed(2)} s, ${Math.round(N / copy).toLocaleString('en-US')} rows/s`,
        `no-op reconcile on the mapped table (members read through the ownership table: grows with N): ${noop.toFixed(2)} s, best of 3`,
        `ratio of the default configuration ${main.ratioToCopy.toFixed(2)} (target ≥ ${TARGET_RATIO}: ${main.ratioToCopy >= TARGET_RATIO ? 'met' : 'MISSED'}); figures in ${path.relative(process.cwd(), OUT)}`,
        '',
      ].join('\n'),
    );
  } finally {
    await client.end();
    await database.close();
    await adminClient.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await adminClient.end();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
