import type { FastifySchemaValidationError } from 'fastify';

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
    case 'pattern': // only used to refuse NUL (routeSchemas NO_NUL)
      return `${field} must not contain NUL characters`;
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
