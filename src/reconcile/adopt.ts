import { sql } from 'kysely';
import { acquireAdvisoryLock } from '../db/advisoryLock.ts';
import { seqOfUsername } from '../db/memberSql.ts';
import type { OpenDatabase } from '../db/openDatabase.ts';
import { OperatorError } from '../errors.ts';
import type { DesiredState } from '../spec/DesiredState.ts';
import { defaultActor } from './reconcile.ts';

/**
 * Takes rows that are marked test users, belong to no population, and carry a username
 * the population's pattern gives for an id in its range, under that population's
 * management: explicitly, never as a side effect of reconcile. The next reconcile then
 * brings their content in line (they count as updates).
 */
export async function adopt(
  database: OpenDatabase,
  state: DesiredState,
  population: string,
  opts: { dryRun: boolean; lockTimeoutMs?: number; actor?: string; trigger?: string },
): Promise<{ adopted: number }> {
  const spec = state.populations.find((p) => p.name === population);
  if (!spec) {
    throw new OperatorError(`population "${population}" is not declared in the specs; only a declared population can adopt rows`, 'unknown_population');
  }
  // Canonical ids only: "user_007" is not the username of id 7, so it is not adopted.
  const seqExpr = seqOfUsername(sql`username`, spec.pattern);
  const candidates = sql`is_test_user = true AND population IS NULL AND ${seqExpr} >= ${spec.idStart} AND ${seqExpr} < ${spec.idStart + spec.count}`;
  const { db } = database;
  if (opts.dryRun) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::bigint AS n FROM users WHERE ${candidates}`.execute(db);
    return { adopted: rows[0]?.n ?? 0 };
  }
  const lock = await acquireAdvisoryLock(database.url, { timeoutMs: opts.lockTimeoutMs ?? 30_000 });
  try {
    const res = await sql`UPDATE users SET population = ${population}, seq = ${seqExpr}, updated_at = now() WHERE ${candidates}`.execute(db);
    const adopted = Number(res.numAffectedRows ?? 0n);
    await db
      .insertInto('bulk_audit')
      .values({ run_id: null, actor: opts.actor ?? defaultActor(), trigger: opts.trigger ?? 'cli', rule: 'adopt', population, count: adopted })
      .execute();
    return { adopted };
  } finally {
    await lock.release();
  }
}
