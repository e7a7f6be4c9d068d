import { NO_NUL } from '../http/describeValidationError.ts';

/**
 * JSON schemas of every route's input (docs/load-tester-protocol.md). Fastify validates
 * against them before a handler runs, so handlers only see well-typed input and every
 * mistake becomes a 400 naming the field (see describeValidationError).
 *
 * Unknown fields are rejected rather than ignored: a field the Load Tester dropped would
 * still be covered by the sender's `content_hash`, and a misspelt query parameter
 * (`populaton=`) would silently widen a digest or an export.
 */

/** Most records in one bulk request. */
export const MAX_BATCH = 10_000;
export const MAX_USERNAME_LENGTH = 320;
export const MAX_CONTENT_HASH_LENGTH = 128;
export const MAX_SLICES = 1024;

/** buckets = 2^k for k = 0..16. */
export const BUCKET_COUNTS = Array.from({ length: 17 }, (_, k) => 2 ** k);

export const EXPORT_FORMATS = ['artillery-csv', 'csv', 'k6-json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

// PostgreSQL text cannot hold NUL; refused by NO_NUL so the error names the field (not a SQL error).
const username = { type: 'string', minLength: 1, maxLength: MAX_USERNAME_LENGTH, pattern: NO_NUL } as const;
const population = { type: 'string', minLength: 1, pattern: NO_NUL } as const;

const recordFields = {
  password: { type: 'string' },
  email: { type: ['string', 'null'] },
  population,
  content_hash: { type: 'string', minLength: 1, maxLength: MAX_CONTENT_HASH_LENGTH },
  attributes: { type: ['object', 'null'] },
} as const;

/** The fields every record must end up with, given by itself or by `shared`. */
export const REQUIRED_FIELDS = ['password', 'population', 'content_hash'] as const;

// A seq of a run: an integer JavaScript and PostgreSQL both write the same way in decimal.
const seq = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

export const upsertBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // Fields every record of the batch has, sent once (a record's own value wins): a first
    // sync sends records that differ only in their username and email.
    shared: { type: 'object', additionalProperties: false, properties: recordFields },
    // Records named by a pattern instead of one by one: prefix || seq || suffix for each seq
    // from `from` to `to`, every other field from `shared` (see credentialRuns.ts).
    runs: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_BATCH,
      items: {
        type: 'object',
        required: ['prefix', 'suffix', 'from', 'to', 'email_suffix'],
        additionalProperties: false,
        properties: {
          prefix: { type: 'string', maxLength: MAX_USERNAME_LENGTH, pattern: NO_NUL },
          suffix: { type: 'string', maxLength: MAX_USERNAME_LENGTH, pattern: NO_NUL },
          from: seq,
          to: seq,
          email_suffix: { type: ['string', 'null'], pattern: NO_NUL },
        },
      },
    },
    users: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_BATCH,
      items: {
        type: 'object',
        required: ['username'],
        additionalProperties: false,
        properties: { username, ...recordFields },
      },
    },
  },
} as const;

export interface UpsertBody {
  shared?: Partial<Omit<CredentialInput, 'username'>>;
  runs?: RunInput[];
  users?: (Partial<CredentialInput> & { username: string })[];
}

/** Records prefix || seq || suffix for seq from `from` to `to`; e-mail username || email_suffix, or none when null. */
export interface RunInput {
  prefix: string;
  suffix: string;
  from: number;
  to: number;
  email_suffix: string | null;
}

/** A record as the reconciler sends it. */
export interface CredentialInput {
  username: string;
  password: string;
  email?: string | null;
  population: string;
  content_hash: string;
  attributes?: Record<string, unknown> | null;
}

export const deleteBody = {
  type: 'object',
  required: ['usernames'],
  additionalProperties: false,
  properties: {
    usernames: { type: 'array', minItems: 1, maxItems: MAX_BATCH, items: username },
  },
} as const;

export interface DeleteBody {
  usernames: string[];
}

const buckets = { type: 'integer', enum: BUCKET_COUNTS } as const;

export const digestQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { population, buckets },
} as const;

export interface DigestQuery {
  population?: string;
  buckets?: number;
}

/** Most buckets one listing names: keeps the URL far below what servers accept (at most about 4 KB). */
export const MAX_LISTED_BUCKETS = 512;

export const bucketQuery = {
  type: 'object',
  required: ['population', 'buckets', 'bucket'],
  additionalProperties: false,
  properties: {
    population,
    buckets,
    // One bucket, or several separated by commas (one pass over the population for all).
    bucket: { type: 'string', pattern: '^[0-9]{1,5}(,[0-9]{1,5})*$' },
  },
} as const;

export interface BucketQuery {
  population: string;
  buckets: number;
  bucket: string;
}

export const exportQuery = {
  type: 'object',
  required: ['format'],
  additionalProperties: false,
  properties: {
    format: { type: 'string', enum: EXPORT_FORMATS },
    population,
    slice: { type: 'integer', minimum: 0, maximum: MAX_SLICES - 1 },
    slices: { type: 'integer', minimum: 1, maximum: MAX_SLICES },
  },
} as const;

export interface ExportQuery {
  format: ExportFormat;
  population?: string;
  slice?: number;
  slices?: number;
}

/** Routes without input still declare an empty query string, so stray parameters are reported. */
export const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;
