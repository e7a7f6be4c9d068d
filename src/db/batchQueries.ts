import { sql } from 'kysely';
import type { Db } from './openDatabase.ts';
import { EXACT_COUNT_BELOW, ensureUserSummary, estimatedTableRowsSql, readUserSummary } from './userSummary.ts';
import type { UserStore } from './userStore/UserStore.ts';

/** A population record as the API shows it (never its password_hash). */
export interface PopulationRecordView {
  name: string;
  source: 'file' | 'api';
  phase: string;
  spec: unknown;
  usernamePattern: string;
  deletionPolicy: string;
  generation: number;
  observedGeneration: number;
  status: Record<string, unknown>;
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export async function readPopulationRecords(db: Db, name?: string): Promise<PopulationRecordView[]> {
  let q = db
    .selectFrom('bulk_populations')
    .select(['name', 'source', 'phase', 'spec', 'username_pattern', 'deletion_policy', 'generation', 'observed_generation', 'status', 'expires_at', 'created_at', 'updated_at'])
    .orderBy('name');
  if (name !== undefined) q = q.where('name', '=', name);
  return (await q.execute()).map((r) => ({
    name: r.name,
    source: r.source,
    phase: r.phase,
    spec: r.spec,
    usernamePattern: r.username_pattern,
    deletionPolicy: r.deletion_policy,
    generation: r.generation,
    observedGeneration: r.observed_generation,
    status: (r.status ?? {}) as Record<string, unknown>,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/**
 * Managed rows per population (of every population, or of the ones named), from the
 * summary where one is kept, else by one aggregate pass; nothing per user crosses the
 * wire. A population without rows has no entry. lastUpdatedAt: the last write of a member
 * (from the summary, a deleted member's write still counts).
 */
export async function countMembers(db: Db, store: UserStore, names?: string | readonly string[]): Promise<Map<string, { total: number; lastUpdatedAt: Date | null }>> {
  const only = names === undefined ? undefined : typeof names === 'string' ? [names] : [...names];
  if (store.summarized && (await ensureUserSummary(db))) {
    const out = new Map<string, { total: number; lastUpdatedAt: Date | null }>();
    for (const g of await readUserSummary(db, only)) {
      const o = out.get(g.population) ?? { total: 0, lastUpdatedAt: null };
      o.total += g.count;
      if (g.last_updated_at && (!o.lastUpdatedAt || g.last_updated_at > o.lastUpdatedAt)) o.lastUpdatedAt = g.last_updated_at;
      out.set(g.population, o);
    }
    return out;
  }
  const { rows } = await sql<{ population: string; total: number; last_updated_at: Date | null }>`
    SELECT population, count(*)::bigint AS total, max(updated_at) AS last_updated_at
    FROM ${store.rows} u WHERE is_test_user = true AND population IS NOT NULL ${only !== undefined ? sql`AND population = ANY(${only}::text[])` : sql``}
    GROUP BY population`.execute(db);
  return new Map(rows.map((r) => [r.population, { total: r.total, lastUpdatedAt: r.last_updated_at }]));
}

/** Managed rows of one population. */
export async function countMembersOf(db: Db, store: UserStore, name: string): Promise<number> {
  return (await countMembers(db, store, name)).get(name)?.total ?? 0;
}

/** What each sync target holds of one population, per the sync state. */
export async function countSyncedMembers(db: Db, name: string): Promise<{ target: string; held: number }[]> {
  const { rows } = await sql<{ target: string; held: number }>`
    SELECT target, count AS held FROM bulk_sync_summary WHERE population = ${name} AND count > 0 ORDER BY target`.execute(db);
  return rows;
}

export interface UserTotals {
  total: number;
  testUsers: number;
  productionUsers: number;
  managedTestUsers: number;
  admins: number;
  /** total, productionUsers and admins are estimates (a large table); testUsers and managedTestUsers are exact. */
  approximate: boolean;
}

export async function countUsers(db: Db, store: UserStore): Promise<UserTotals> {
  if (store.summarized && (await ensureUserSummary(db))) {
    // Test users (of a population or of none) are exact from the summary; on a large table
    // the rest is the estimate (one statement for both).
    const { rows } = await sql<{ est: number; test_users: number; managed: number; admin_frac: number | null }>`
      SELECT ${estimatedTableRowsSql} AS est, coalesce(sum(count), 0)::bigint AS test_users,
             coalesce(sum(count) FILTER (WHERE population IS NOT NULL), 0)::bigint AS managed, ${frequencyOfTrue('is_admin')} AS admin_frac
      FROM bulk_user_summary`.execute(db);
    const r = rows[0]!;
    if (Math.max(r.est, r.test_users) >= EXACT_COUNT_BELOW) {
      const total = Math.max(r.est, r.test_users);
      return { total, testUsers: r.test_users, productionUsers: total - r.test_users, managedTestUsers: r.managed, admins: Math.round(r.est * (r.admin_frac ?? 0)), approximate: true };
    }
  }
  const { rows } = await sql<{ total: number; test_users: number; production_users: number; managed: number; admins: number }>`
    SELECT count(*)::bigint AS total,
           count(*) FILTER (WHERE is_test_user)::bigint AS test_users,
           count(*) FILTER (WHERE NOT is_test_user)::bigint AS production_users,
           count(*) FILTER (WHERE is_test_user AND population IS NOT NULL)::bigint AS managed,
           count(*) FILTER (WHERE is_admin)::bigint AS admins
    FROM ${store.rows} u`.execute(db);
  const r = rows[0]!;
  return { total: r.total, testUsers: r.test_users, productionUsers: r.production_users, managedTestUsers: r.managed, admins: r.admins, approximate: false };
}

/** The fraction of users rows where a boolean column is true, from the planner's statistics (NULL when not analyzed yet). */
function frequencyOfTrue(column: string) {
  return sql<number | null>`(SELECT CASE WHEN s.most_common_vals IS NULL THEN NULL ELSE coalesce((
      SELECT f FROM unnest(s.most_common_vals::text::boolean[], s.most_common_freqs) AS m(v, f) WHERE m.v), 0) END
    FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'users' AND s.attname = ${column})`;
}

export interface TargetStatusRow {
  name: string;
  type: string;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  status: Record<string, unknown>;
}

export async function readTargetRecords(db: Db): Promise<TargetStatusRow[]> {
  return (await db.selectFrom('bulk_targets').selectAll().orderBy('name').execute()).map((r) => ({
    name: r.name,
    type: r.type,
    lastRunAt: r.last_run_at,
    lastSuccessAt: r.last_success_at,
    lastError: r.last_error,
    status: (r.status ?? {}) as Record<string, unknown>,
  }));
}

/** Records per target and population in the sync state (what each target holds, as far as we know). */
export async function countSyncState(db: Db, opts: { modifiedSince?: Date } = {}): Promise<{ target: string; population: string; held: number }[]> {
  const { rows } = await sql<{ target: string; population: string; held: number }>`
    ${
      opts.modifiedSince
        ? sql`SELECT target, population, count(*)::bigint AS held FROM bulk_sync_records WHERE updated_at >= ${opts.modifiedSince} GROUP BY target, population`
        : sql`SELECT target, population, count AS held FROM bulk_sync_summary WHERE count > 0`
    } ORDER BY target, population`.execute(db);
  return rows;
}

export async function lastRun(db: Db): Promise<{ id: number; trigger: string; outcome: string; startedAt: Date; finishedAt: Date | null; error: string | null } | undefined> {
  const r = await db.selectFrom('bulk_reconcile_runs').select(['id', 'trigger', 'outcome', 'started_at', 'finished_at', 'error']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r ? { id: Number(r.id), trigger: r.trigger, outcome: r.outcome, startedAt: r.started_at, finishedAt: r.finished_at, error: r.error } : undefined;
}
