import type { FastifySchemaValidationError } from 'fastify';

/** The pattern route schemas use to refuse NUL characters, which PostgreSQL text cannot hold. */
export const NO_NUL = '^[^\\u0000]*$';

/**
 * One readable sentence naming the offending field, e.g. `users[3].username must be a
 * string` or `query parameter "buckets" must be one of 1, 2, 4, …`: the sender must see
 * what to fix without reading the JSON schema.
 */
export function describeValidationError(context: string | undefined, e: FastifySchemaValidationError): string {
  const isQuery = context === 'querystring';
  const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as Record<string, unknown>;

  if (e.keyword === 'required' || e.keyword === 'additionalProperties') {
    const prop = String(e.keyword === 'required' ? params.missingProperty : params.additionalProperty);
    const field = name(isQuery, [...segments, prop]);
    if (e.keyword === 'required') return `${field} is required`;
    return isQuery ? `unknown query parameter "${prop}"` : `${field} is not a known field`;
  }
  const field = name(isQuery, segments);
  switch (e.keyword) {
    case 'type': {
      const types = String(params.type).split(',');
      return `${field} must be ${types.map(article).join(' or ')}`;
    }
    case 'enum':
      return `${field} must be one of ${(params.allowedValues as unknown[]).map((v) => String(v)).join(', ')}`;
    case 'pattern':
      return params.pattern === NO_NUL ? `${field} must not contain NUL characters` : `${field} must match the pattern ${String(params.pattern)}`;
    case 'minLength':
      return Number(params.limit) === 1 ? `${field} must not be empty` : `${field} must have at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `${field} must have at most ${String(params.limit)} characters`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${field} must be ${String(params.comparison)} ${String(params.limit)}`;
    case 'format':
      return `${field} must be ${params.format === 'date-time' ? 'an RFC 3339 date-time such as 2026-12-31T00:00:00Z' : `a valid ${String(params.format)}`}`;
    case 'minItems':
      return `${field} must have at least ${String(params.limit)} item(s)`;
    case 'maxItems':
      return `${field} must have at most ${String(params.limit)} items`;
    default:
      return `${field} ${e.message ?? 'is invalid'}`;
  }
}

function name(isQuery: boolean, segments: string[]): string {
  if (segments.length === 0) return isQuery ? 'the query string' : 'the request body';
  if (isQuery) return `query parameter "${segments.join('.')}"`;
  return segments.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

function article(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
