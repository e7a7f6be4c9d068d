import { LOCK_KEYS } from './lockKeys.ts';
import { sql } from 'kysely';
import type { PopulationSpec as PopulationSpecDoc } from '../spec/schemaTypes.generated.ts';
import type { Db } from './openDatabase.ts';

/** A population created through the HTTP API, as stored: the spec never holds the password. */
export interface ApiPopulationRow {
  name: string;
  spec: Partial<PopulationSpecDoc>;
  labels: Record<string, string>;
  /** AES-256-GCM of the password; null when spec.password reads an environment variable. */
  passwordEnc: string | null;
  createdBy: string | null;
  createdAt: Date;
}

/** Serializes the check-then-insert of API populations across processes (transaction-scoped). */
const API_SPEC_LOCK = LOCK_KEYS.apiSpecs;

export async function listApiPopulations(db: Db): Promise<ApiPopulationRow[]> {
  const rows = await db.selectFrom('bulk_api_populations').selectAll().orderBy('created_at').orderBy('name').execute();
  return rows.map((r) => ({
    name: r.name,
    spec: r.spec as Partial<PopulationSpecDoc>,
    labels: r.labels ?? {},
    passwordEnc: r.password_enc,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
}

/**
 * Runs `work` in a transaction that holds the API-spec lock, so two creates cannot both
 * pass the overlap check against a state without the other.
 */
export async function withApiSpecLock<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${API_SPEC_LOCK})`.execute(trx);
    return work(trx);
  });
}

export async function insertApiPopulation(db: Db, row: Omit<ApiPopulationRow, 'createdAt'>): Promise<void> {
  await db
    .insertInto('bulk_api_populations')
    .values({ name: row.name, spec: JSON.stringify(row.spec), labels: JSON.stringify(row.labels), password_enc: row.passwordEnc, created_by: row.createdBy })
    .execute();
}

export async function deleteApiPopulation(db: Db, name: string): Promise<void> {
  await db.deleteFrom('bulk_api_populations').where('name', '=', name).execute();
}
