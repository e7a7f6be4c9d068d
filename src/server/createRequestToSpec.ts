import type { ApiPopulationRequest } from '../reconcile/prepareApiPopulation.ts';
import { text } from './routes/sharedSchemas.ts';

/** The body of POST /api/bulk-users/create (and the `{count, config}` form of config/validate). */
export interface CreateBody {
  count: number;
  batch_id?: string;
  labels?: Record<string, string>;
  config: {
    username_pattern?: string;
    password?: string;
    email_domain?: string;
    batch_size?: number;
    id_start?: number;
    attributes?: Record<string, unknown>;
    ttl?: string;
    expires_at?: string;
    sync_targets?: string[];
    deletion_policy?: string;
    template?: string;
  };
}

/**
 * Shape only: which fields exist and their JSON types. Whether a value is acceptable
 * (pattern rules, ranges, domain syntax) is decided by the spec validator, whose
 * messages name the field and give a hint.
 */
export const createBodySchema = {
  type: 'object',
  required: ['count', 'config'],
  additionalProperties: false,
  properties: {
    count: { type: 'integer', description: 'How many users the batch has.' },
    batch_id: { ...text, description: 'Name of the batch (a DNS label); generated as api-YYYYMMDD-xxxxxx when absent.' },
    labels: { type: 'object', additionalProperties: text },
    config: {
      type: 'object',
      additionalProperties: false,
      properties: {
        username_pattern: { ...text, description: 'Exactly one {id}, e.g. "loadtest_{id}@example.com".' },
        password: { type: 'string', description: 'Stored encrypted (AES-256-GCM); users get its scrypt hash.' },
        email_domain: text,
        batch_size: { type: 'integer' },
        id_start: { type: 'integer' },
        attributes: { type: 'object' },
        ttl: text,
        expires_at: text,
        sync_targets: { type: 'array', items: text },
        deletion_policy: text,
        template: { ...text, description: 'Fields left out come from this template (GET /api/bulk-users/config/templates).' },
      },
    },
  },
} as const;

/** The API's field names to a spec document's (the one vocabulary the validator speaks). */
export function createRequestToSpec(body: CreateBody): ApiPopulationRequest {
  const c = body.config;
  const spec: Record<string, unknown> = {
    count: body.count,
    usernamePattern: c.username_pattern,
    password: c.password !== undefined ? { value: c.password } : undefined,
    emailDomain: c.email_domain,
    batchSize: c.batch_size,
    idStart: c.id_start,
    attributes: c.attributes,
    ttl: c.ttl,
    expiresAt: c.expires_at,
    syncTargets: c.sync_targets,
    deletionPolicy: c.deletion_policy,
  };
  for (const k of Object.keys(spec)) if (spec[k] === undefined) delete spec[k];
  return {
    spec,
    ...(body.batch_id !== undefined ? { name: body.batch_id } : {}),
    ...(body.labels !== undefined ? { labels: body.labels } : {}),
    ...(c.template !== undefined ? { template: c.template } : {}),
  };
}
