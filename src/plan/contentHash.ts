import { createHash } from 'node:crypto';
import type { PopulationSpec } from '../spec/DesiredState.ts';
import { storableSpec } from '../spec/storableSpec.ts';
import { isAddressPattern } from '../spec/usernamePattern.ts';

/** JSON with sorted keys, so equal objects hash equally whatever their key order in YAML. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * What every member row carries besides its own username: the email rule, the attributes
 * and the password (by its hash, so a rotated password changes the content). Rows whose
 * hash differs from this are stale and get updated.
 */
export function memberContentHash(spec: PopulationSpec, passwordHash: string): string {
  const emailRule = isAddressPattern(spec.pattern) ? 'username' : `@${spec.emailDomain}`;
  return sha256(canonicalJson({ v: 1, emailRule, attributes: spec.attributes, password: passwordHash })).slice(0, 32);
}

/**
 * Identity of the whole spec as stored (no inline password: that one is compared through
 * its scrypt hash instead); its change bumps the generation.
 */
export function specHash(spec: PopulationSpec): string {
  return sha256(canonicalJson(storableSpec(spec))).slice(0, 32);
}
