import { sql } from 'kysely';
import { embeddedPostgresState } from '../db/embeddedPostgres.ts';
import { currentLeader } from '../db/leaderLock.ts';
import { pendingMigrations } from '../db/migrations.ts';
import { openDatabase, redactUrl, type Db } from '../db/openDatabase.ts';
import { lastSuccessfulRun, listRuns } from '../db/runHistory.ts';
import { verifyUserSummary } from '../db/userSummary.ts';
import { ageOf, fail, messageOf, ok, THRESHOLDS, warn, type DoctorCheck } from './DoctorCheck.ts';

/** How long doctor waits for the database to accept a connection or answer. */
const DATABASE_TIMEOUT_MS = 5000;

/**
 * Where the database is, without starting anything: DATABASE_URL, or the embedded server
 * of the data directory only when it is already running.
 */
export async function locateDatabase(env: NodeJS.ProcessEnv, dataDir: string): Promise<{ check: DoctorCheck; url?: string }> {
  const name = 'embedded server';
  if (env.DATABASE_URL) return { check: ok(name, 'not used: DATABASE_URL is set'), url: env.DATABASE_URL };
  const state = await embeddedPostgresState(dataDir);
  if (!state.initialized) return { check: warn(name, `none in ${dataDir} yet; the first command that needs the database creates and starts it`) };
  if (!state.running) return { check: warn(name, `stopped (data in ${dataDir}); commands start it on demand, or \`bulk-users db start\``) };
  const where = `pid ${state.pid}, port ${state.port ?? '?'}, data in ${dataDir}`;
  if (!state.accepting || !state.url) return { check: fail(name, `running (${where}) but not accepting connections`) };
  return { check: ok(name, `running (${where})`), url: state.url };
}

/**
 * The database checks: it answers (version, connections against max_connections), the
 * schema is current, the leader, the last successful run. Reads only: no migration runs.
 */
export async function databaseChecks(url: string | undefined, now: Date): Promise<DoctorCheck[]> {
  const skipped = (why: string) => ['migrations', 'leader', 'last run'].map((n) => warn(n, `not checked: ${why}`));
  if (!url) return [warn('database', 'not checked: the embedded server is not running (doctor never starts it)'), ...skipped('no database')];
  let database;
  try {
    database = await openDatabase({ url, migrate: false, poolSize: 1, connectTimeoutMs: DATABASE_TIMEOUT_MS });
  } catch (err) {
    return [fail('database', `cannot use ${redactUrl(url)}: ${messageOf(err)}`), ...skipped('the database is unavailable')];
  }
  try {
    const first = await connectionCheck(database.db, url);
    if (first.status === 'fail') return [first, ...skipped('the database is unavailable')];
    return [first, await migrationCheck(database.db), await leaderCheck(database.db), await lastRunCheck(database.db, now), await userSummaryCheck(database.db)];
  } finally {
    await database.close();
  }
}

async function connectionCheck(db: Db, url: string): Promise<DoctorCheck> {
  try {
    const { rows } = await sql<{ version: string; used: number; max: number }>`
      SELECT current_setting('server_version') AS version,
             (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS used,
             current_setting('max_connections')::int AS max`
      .execute(db);
    const r = rows[0]!;
    const percent = Math.round((r.used / r.max) * 100);
    const detail = `PostgreSQL ${r.version} at ${redactUrl(url)}; ${r.used} of ${r.max} connections in use (${percent}%)`;
    return percent >= THRESHOLDS.connectionsWarnPercent ? warn('database', `${detail}; new connections may be refused soon`) : ok('database', detail);
  } catch (err) {
    return fail('database', `cannot use ${redactUrl(url)}: ${messageOf(err)}`);
  }
}

async function migrationCheck(db: Db): Promise<DoctorCheck> {
  try {
    const pending = await pendingMigrations(db);
    return pending.length === 0
      ? ok('migrations', 'the schema is current')
      : warn('migrations', `${pending.length} to run (${pending.join(', ')}); the next command that opens the database runs them`);
  } catch (err) {
    return fail('migrations', messageOf(err));
  }
}

async function leaderCheck(db: Db): Promise<DoctorCheck> {
  try {
    const leader = await currentLeader(db);
    return ok('leader', leader ? `${leader.identity}${leader.connectedAt ? ` (since ${leader.connectedAt.toISOString()})` : ''}` : 'none (no `serve --schedule/--watch` replica is running)');
  } catch (err) {
    return warn('leader', `cannot tell: ${messageOf(err)}`);
  }
}

async function lastRunCheck(db: Db, now: Date): Promise<DoctorCheck> {
  try {
    const [success, latest] = await Promise.all([lastSuccessfulRun(db), listRuns(db, { limit: 1 })]);
    const last = latest[0];
    const successText = success ? `last successful run #${success.id} (${success.trigger}) ${ageOf(success.finishedAt ?? success.startedAt, now)}` : 'no successful applying run yet';
    if (last && last.outcome !== 'succeeded' && last.outcome !== 'running' && last.outcome !== 'cancelled') {
      return warn('last run', `run #${last.id} ${last.outcome}${last.error ? `: ${last.error}` : ''}; ${successText}`);
    }
    return ok('last run', successText);
  } catch (err) {
    // A database nobody has migrated yet has no run table.
    return warn('last run', `cannot tell: ${messageOf(err)}`);
  }
}

/**
 * The per-population users summary against a fresh count (one pass over users, writers
 * wait meanwhile); a summary that differs is rebuilt, the one write doctor makes, since
 * every read that trusts it would otherwise be wrong until the next rebuild.
 */
async function userSummaryCheck(db: Db): Promise<DoctorCheck> {
  const name = 'users summary';
  try {
    const { rows } = await sql<{ present: boolean }>`SELECT to_regproc('bulk_user_summary_diff') IS NOT NULL AS present`.execute(db);
    if (!rows[0]!.present) return warn(name, 'not checked: migration 0009_user_summary has not run yet');
    const { differences, rebuilt } = await verifyUserSummary(db);
    return rebuilt ? warn(name, `${differences} group(s) differed from a fresh count of the users (a write bypassed its triggers); rebuilt`) : ok(name, 'equal to a fresh count of the users');
  } catch (err) {
    return fail(name, messageOf(err));
  }
}
