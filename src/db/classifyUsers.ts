import { sql, type RawBuilder } from 'kysely';
import type { ClassCount } from '../plan/ClassCount.ts';
import type { Db } from './openDatabase.ts';
import type { UserStore } from './userStore/UserStore.ts';

/** A regular expression matching exactly the usernames of `prefix{id}suffix`. */
export function patternRegex(pattern: { prefix: string; suffix: string }): string {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `^${esc(pattern.prefix)}[0-9]+${esc(pattern.suffix)}$`;
}

const SAMPLE = 5;

/**
 * The class of a test user (or of a summary group of them) whose population record is `r`
 * (joined, NULL when there is none) and whose lease ends at `expiresAt`: the one rule both
 * classifications below apply.
 */
function testUserClass(expiresAt: RawBuilder<unknown>, now: Date): RawBuilder<string> {
  return sql<string>`CASE
    WHEN r.name IS NOT NULL AND (r.phase = 'Expired' OR ${expiresAt} <= ${now}) THEN 'expired'
    WHEN r.phase = 'Orphaned' THEN 'orphaned'
    WHEN r.name IS NOT NULL THEN 'managed'
    ELSE 'unmanaged-test' END`;
}

/**
 * Every row of the user store in one class, in one pass:
 * - managed: a test user of a population the reconciler knows (Active);
 * - expired: of a population whose lease passed, or whose own expires_at has;
 * - orphaned: of a population whose spec is gone and that was retained;
 * - unmanaged-test: marked is_test_user but owned by no known population;
 * - lookalike: a production row whose username matches a test-user pattern;
 * - production: everything else.
 */
export async function classifyUsers(db: Db, store: UserStore, patterns: readonly string[], now: Date): Promise<ClassCount[]> {
  const { rows } = await sql<ClassCount>`
    WITH r AS (SELECT name, phase FROM bulk_populations),
    c AS (
      SELECT u.id, u.username, u.population, CASE
        WHEN u.is_test_user THEN ${testUserClass(sql`u.expires_at`, now)}
        WHEN u.username ~ ANY(${patterns as string[]}::text[]) THEN 'lookalike'
        ELSE 'production' END AS class
      FROM ${store.rows} u LEFT JOIN r ON r.name = u.population
    )
    SELECT class, CASE WHEN class IN ('managed', 'expired', 'orphaned') THEN population END AS population,
           count(*)::bigint AS count, (array_agg(username ORDER BY id))[1:${SAMPLE}] AS sample
    FROM c GROUP BY 1, 2 ORDER BY 1, 2`.execute(db);
  return rows;
}

/**
 * The classes cleanup works on (expired, orphaned, unmanaged-test; plus managed) from the
 * users summary, O(populations): the rule of classifyUsers applied to its groups, each
 * with a sample found through the (population, seq) index. The unmanaged rows of no
 * population are sampled by a scan that stops at the fifth, only when there are some.
 */
export async function summarizedCleanupClasses(db: Db, now: Date): Promise<ClassCount[]> {
  const { rows } = await sql<ClassCount & { phase: string | null }>`
    WITH r AS (SELECT name, phase FROM bulk_populations),
    c AS (
      SELECT s.population, s.count, r.phase, ${testUserClass(sql`s.expires_at`, now)} AS class
      FROM bulk_user_summary s LEFT JOIN r ON r.name = s.population
    )
    SELECT class, CASE WHEN class IN ('managed', 'expired', 'orphaned') THEN population END AS population,
           sum(count)::bigint AS count, ARRAY[]::text[] AS sample, min(phase) AS phase
    FROM c GROUP BY 1, 2 ORDER BY 1, 2`.execute(db);
  for (const row of rows) {
    if (row.count <= 0) continue;
    const { rows: sample } =
      row.class === 'unmanaged-test'
        ? await sql<{ username: string }>`
            SELECT username FROM users u WHERE u.is_test_user
              AND (u.population IS NULL OR NOT EXISTS (SELECT 1 FROM bulk_populations r WHERE r.name = u.population))
            ORDER BY id LIMIT ${SAMPLE}`.execute(db)
        : await sql<{ username: string }>`
            SELECT username FROM users WHERE population = ${row.population} AND is_test_user
              ${row.class === 'expired' && row.phase !== 'Expired' ? sql`AND expires_at <= ${now}` : row.class === 'managed' ? sql`AND (expires_at IS NULL OR expires_at > ${now})` : sql``}
            ORDER BY seq LIMIT ${SAMPLE}`.execute(db);
    row.sample = sample.map((s) => s.username);
  }
  return rows.filter((r) => r.count > 0).map(({ phase: _, ...c }) => c);
}
