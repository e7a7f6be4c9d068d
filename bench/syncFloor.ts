/**
 * The floor of a full sync as this design writes it: how long PostgreSQL's bulk path takes
 * to write the very rows a full sync leaves behind, the Load Tester's credentials (with
 * their indexes and digest triggers) and the reconciler's sync state, its rows and its
 * ranges (with their summary triggers). Each table is copied out of the bench database after the full sync and
 * COPYed, one stream each, into a scratch database migrated as the real ones are. A full
 * sync cannot write these rows faster than this, whatever it does about requests, JSON
 * or encryption; the figure tells how much of the gap to a target is the design's.
 */
import { createReadStream, createWriteStream, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { openDatabase } from '../src/db/openDatabase.ts';
import { migrateLoadTester } from '../src/loadtester/migrateLoadTester.ts';

export interface SyncFloor {
  rows: number;
  loadTesterSeconds: number;
  syncStateSeconds: number;
}

const TABLES = [
  { key: 'loadTesterSeconds', table: 'loadtester.credentials', columns: 'username, population, email, password_enc, content_hash, attributes, updated_at', order: 'username' },
  { key: 'syncStateSeconds', table: 'bulk_sync_state', columns: 'target, username, population, content_hash, updated_at', order: 'target, username' },
  { key: 'syncStateSeconds', table: 'bulk_sync_ranges', columns: 'target, population, prefix, suffix, lo, hi, content_hash, digest, updated_at', order: 'target, population, prefix, suffix, lo' },
] as const;

export async function measureSyncFloor(adminQuery: (text: string) => Promise<void>, sourceUrl: string, scratchName: string): Promise<SyncFloor> {
  const scratch = new URL(sourceUrl);
  scratch.pathname = `/${scratchName}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'bulk-users-floor-'));
  await adminQuery(`CREATE DATABASE ${scratchName}`);
  const source = new pg.Client({ connectionString: sourceUrl, application_name: 'bulk-users-bench' });
  const target = new pg.Client({ connectionString: scratch.toString(), application_name: 'bulk-users-bench' });
  try {
    await (await openDatabase({ url: scratch.toString() })).close();
    const lt = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: scratch.toString(), max: 1 }) }) });
    await migrateLoadTester(lt);
    await lt.destroy();
    await source.connect();
    await target.connect();
    const out: SyncFloor = { rows: 0, loadTesterSeconds: 0, syncStateSeconds: 0 };
    for (const t of TABLES) {
      // Out to a file first (not measured), in the order the full sync wrote them.
      const file = path.join(dir, `${t.table}.copy`);
      await pipeline(source.query(copyTo(`COPY (SELECT ${t.columns} FROM ${t.table} ORDER BY ${t.order}) TO STDOUT`)), createWriteStream(file));
      await target.query('CHECKPOINT');
      const started = performance.now();
      await pipeline(createReadStream(file), target.query(copyFrom(`COPY ${t.table} (${t.columns}) FROM STDIN`)));
      out[t.key] += (performance.now() - started) / 1000;
      const { rows } = await target.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM ${t.table}`);
      if (t.key === 'loadTesterSeconds') out.rows = rows[0]!.n;
    }
    return out;
  } finally {
    await source.end().catch(() => {});
    await target.end().catch(() => {});
    await adminQuery(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}
