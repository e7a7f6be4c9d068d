import type { Kysely } from 'kysely';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';
import { readPopulationSummary } from './populationSummary.ts';

export interface CredentialStats {
  total: number;
  populations: Record<string, number>;
}

/**
 * Records per population and in all, from the per-population summary (one snapshot, so the
 * total always equals the parts). Does not fold pending deltas: this route is open to
 * anyone, and a read with no token should write nothing.
 */
export async function credentialStats(db: Kysely<LoadTesterDatabase>): Promise<CredentialStats> {
  const summary = await readPopulationSummary(db, { fold: false });
  // No prototype: a population may be called "__proto__".
  const populations: Record<string, number> = Object.create(null);
  let total = 0;
  for (const [population, { count }] of summary) {
    populations[population] = count;
    total += count;
  }
  return { total, populations };
}
