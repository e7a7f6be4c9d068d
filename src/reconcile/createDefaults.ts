import { randomBytes } from 'node:crypto';
import { DEFAULT_TEMPLATE_NAME } from '../spec/PopulationTemplate.ts';
import type { PopulationSpec as PopulationSpecDoc } from '../spec/schemaTypes.generated.ts';
import type { NamedTemplate } from './loadTemplates.ts';


/** Lease of a batch whose request and template give neither ttl nor expiresAt: forgotten batches expire. */
export const DEFAULT_TTL = '7d';

/** Reserved for invalid addresses (RFC 2606): mail to a default test user can never reach anyone. */
export const DEFAULT_DOMAIN = 'loadtest.invalid';

/**
 * `<batch>_{id}@loadtest.invalid`. Batch names are DNS labels (no `_`) and unique, so the
 * `_` ends the name unambiguously and two default patterns can never produce one username.
 */
export function defaultUsernamePattern(batchName: string): string {
  return `${batchName}_{id}@${DEFAULT_DOMAIN}`;
}

/** 32 URL-safe characters from 192 random bits. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/** The default template as GET /api/bulk-users/config/templates lists it. */
export const DEFAULT_TEMPLATE: NamedTemplate = {
  name: DEFAULT_TEMPLATE_NAME,
  kind: 'default',
  description:
    `What every create starts from, after the template it names: a username pattern made from the batch id (<batch_id>_{id}@${DEFAULT_DOMAIN}, so batches never clash), ` +
    `a generated password (stored encrypted, synced to the targets, returned once in the 201 answer of create), and ttl ${DEFAULT_TTL}.`,
  spec: { ttl: DEFAULT_TTL },
  origin: { file: 'built-in', line: 1 },
};

/**
 * Fills what a create request (after its template) leaves out: usernamePattern,
 * password and a lease. The generated password is returned so create can hand it to the
 * caller once; it is never stored in plain text (the spec's password is encrypted).
 */
export function fillCreateDefaults(spec: Partial<PopulationSpecDoc>, batchName: string): { spec: Partial<PopulationSpecDoc>; generatedPassword?: string } {
  const filled = { ...spec };
  filled.usernamePattern ??= defaultUsernamePattern(batchName);
  if (filled.ttl === undefined && filled.expiresAt === undefined) filled.ttl = DEFAULT_TTL;
  if (filled.password !== undefined) return { spec: filled };
  const generatedPassword = generatePassword();
  filled.password = { value: generatedPassword };
  return { spec: filled, generatedPassword };
}
