import { sql } from 'kysely';
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
        WHEN u.is_test_user AND r.name IS NOT NULL AND (r.phase = 'Expired' OR u.expires_at <= ${now}) THEN 'expired'
        WHEN u.is_test_user AND r.phase = 'Orphaned' THEN 'orphaned'
        WHEN u.is_test_user AND r.name IS NOT NULL THEN 'managed'
        WHEN u.is_test_user THEN 'unmanaged-test'
        WHEN u.username ~ ANY(${patterns as string[]}::text[]) THEN 'lookalike'
        ELSE 'production' END AS class
      FROM ${store.rows} u LEFT JOIN r ON r.name = u.population
    )
    SELECT class, CASE WHEN class IN ('managed', 'expired', 'orphaned') THEN population END AS population,
           count(*)::bigint AS count, (array_agg(username ORDER BY id))[1:${SAMPLE}] AS sample
    FROM c GROUP BY 1, 2 ORDER BY 1, 2`.execute(db);
  return rows;
}
