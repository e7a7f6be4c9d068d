import { sql } from 'kysely';
import type { Db } from '../db/openDatabase.ts';
import { OperatorError } from '../errors.ts';
import { integerFromEnv } from '../integerFromEnv.ts';

/**
 * Bounds on what creates through the HTTP API may ask for, checked before anything is
 * written: a stored spec is desired state, which every later reconcile goes on applying
 * (even when the client that asked has gone away), so the bound must hold before it is
 * stored. Counts are the declared ones of the API-defined populations (file-defined ones
 * are the operator's and not counted).
 */
export interface ApiCreateCaps {
  /** Users one create may ask for (BULK_USERS_API_MAX_COUNT, default 1,000,000). */
  perRequest: number;
  /** Users of every API-defined population together (BULK_USERS_API_MAX_TOTAL, default 5,000,000). */
  total: number;
  /** Users of the API-defined populations one API key (or user) created (BULK_USERS_API_MAX_PER_KEY, default 2,000,000). */
  perCreator: number;
}

export const API_CAP_ENV = { perRequest: 'BULK_USERS_API_MAX_COUNT', total: 'BULK_USERS_API_MAX_TOTAL', perCreator: 'BULK_USERS_API_MAX_PER_KEY' } as const;

const LIMIT = 1_000_000_000;

export function apiCreateCapsFromEnv(env: NodeJS.ProcessEnv): ApiCreateCaps {
  return {
    perRequest: integerFromEnv(env, API_CAP_ENV.perRequest, { fallback: 1_000_000, min: 1, max: LIMIT }),
    total: integerFromEnv(env, API_CAP_ENV.total, { fallback: 5_000_000, min: 1, max: LIMIT }),
    perCreator: integerFromEnv(env, API_CAP_ENV.perCreator, { fallback: 2_000_000, min: 1, max: LIMIT }),
  };
}

/** A create that would pass a cap (422 over HTTP): names the cap, its setting, and the numbers. */
export class CreateCapExceededError extends OperatorError {
  constructor(
    readonly cap: keyof ApiCreateCaps,
    readonly limit: number,
    readonly requested: number,
    /** Users the API-defined populations (of this creator, for perCreator) already declare. */
    readonly current?: number,
  ) {
    const what = {
      perRequest: `count ${requested} is more than one create may ask for (${limit})`,
      total: `count ${requested} would bring the API-defined populations to ${(current ?? 0) + requested} users, more than ${limit}`,
      perCreator: `count ${requested} would bring the populations this key created to ${(current ?? 0) + requested} users, more than ${limit}`,
    }[cap];
    super(`${what}; the operator sets this cap with ${API_CAP_ENV[cap]}; nothing was written`, 'cap_exceeded');
    this.name = 'CreateCapExceededError';
  }

  get setting(): string {
    return API_CAP_ENV[this.cap];
  }
}

/** The per-request cap: pure, checked before the request is even validated against the specs. */
export function checkRequestCap(count: number, caps: ApiCreateCaps): void {
  if (count > caps.perRequest) throw new CreateCapExceededError('perRequest', caps.perRequest, count);
}

/**
 * The caps that depend on what is stored, read in the caller's transaction, which holds
 * the API-spec lock, so two creates cannot both fit under the same remainder.
 */
export async function checkStoredCaps(trx: Db, req: { count: number; creator: string | null }, caps: ApiCreateCaps): Promise<void> {
  const { rows } = await sql<{ total: string; mine: string }>`
    SELECT coalesce(sum((spec->>'count')::bigint), 0) AS total,
           coalesce(sum((spec->>'count')::bigint) FILTER (WHERE created_by IS NOT DISTINCT FROM ${req.creator}), 0) AS mine
    FROM bulk_api_populations`.execute(trx);
  const total = Number(rows[0]?.total ?? 0);
  const mine = Number(rows[0]?.mine ?? 0);
  if (total + req.count > caps.total) throw new CreateCapExceededError('total', caps.total, req.count, total);
  if (mine + req.count > caps.perCreator) throw new CreateCapExceededError('perCreator', caps.perCreator, req.count, mine);
}
