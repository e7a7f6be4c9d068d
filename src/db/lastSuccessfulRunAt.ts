import type { Db } from './openDatabase.ts';

/** When the latest applying run that succeeded finished (any replica or the CLI); undefined when none did. */
export async function lastSuccessfulRunAt(db: Db): Promise<Date | undefined> {
  const r = await db
    .selectFrom('bulk_reconcile_runs')
    .select((eb) => eb.fn.max('finished_at').as('at'))
    .where('outcome', '=', 'succeeded')
    .where('dry_run', '=', false)
    .executeTakeFirst();
  return r?.at ? new Date(r.at) : undefined;
}
