import { createHash } from 'node:crypto';
import type { PopulationSpec } from '../spec/DesiredState.ts';
import type { Lease } from './Plan.ts';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `30m`, `12h`, `7d`, `2w` in milliseconds (the schema has checked the shape). */
export function ttlMs(ttl: string): number {
  const unit = ttl.slice(-1) as keyof typeof UNIT_MS;
  return Number(ttl.slice(0, -1)) * UNIT_MS[unit];
}

/** What a lease depends on: changing any of these renews it. */
export function leaseKey(spec: PopulationSpec): string {
  return createHash('sha256')
    .update(JSON.stringify([spec.count, spec.usernamePattern, spec.ttl ?? null, spec.expiresAt ?? null]))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Pure: the lease of a population at `now`. It starts when the spec is first applied,
 * restarts when what it depends on changes or when renewal is asked for, and has passed
 * once `now` reaches its end. A population with neither ttl nor expiresAt has no lease.
 */
export function resolveLease(
  spec: PopulationSpec,
  previous: { startedAt: string | null; key: string | null } | undefined,
  now: Date,
  renew: boolean,
): { lease?: Lease; expired: boolean } {
  if (spec.ttl === undefined && spec.expiresAt === undefined) return { expired: false };
  const key = leaseKey(spec);
  const keep = !renew && previous?.startedAt && previous.key === key;
  const startedAt = keep ? previous.startedAt! : now.toISOString();
  const end = spec.expiresAt !== undefined ? new Date(spec.expiresAt) : new Date(new Date(startedAt).getTime() + ttlMs(spec.ttl!));
  return { lease: { startedAt, key, expiresAt: end.toISOString() }, expired: now.getTime() >= end.getTime() };
}
