import { sql, type Kysely } from 'kysely';

export interface Health {
  status: 'ok' | 'error';
  version: string;
  database: 'ok' | 'unavailable';
}

/** A health probe must answer quickly even when the database hangs or the pool is busy. */
const PROBE_TIMEOUT_MS = 2000;

/** Whether the service can do its job: it can, exactly when its database answers. */
export async function computeHealth(db: Kysely<any>, version: string): Promise<Health> {
  const probe = sql`SELECT 1`.execute(db).then(
    () => true,
    () => false,
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  const ok = await Promise.race([probe, timeout]).finally(() => clearTimeout(timer));
  return ok ? { status: 'ok', version, database: 'ok' } : { status: 'error', version, database: 'unavailable' };
}
