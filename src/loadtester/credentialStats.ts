import { sql, type Kysely } from 'kysely';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';

export interface CredentialStats {
  total: number;
  populations: Record<string, number>;
}

/** Records per population and in all; one query, so the total always equals the parts. */
export async function credentialStats(db: Kysely<LoadTesterDatabase>): Promise<CredentialStats> {
  const { rows } = await sql<{ population: string; count: number }>`
    SELECT population, count(*)::int AS count
    FROM loadtester.credentials
    GROUP BY population
    ORDER BY population COLLATE "C"`.execute(db);
  // No prototype: a population may be called "__proto__".
  const populations: Record<string, number> = Object.create(null);
  let total = 0;
  for (const r of rows) {
    populations[r.population] = r.count;
    total += r.count;
  }
  return { total, populations };
}
