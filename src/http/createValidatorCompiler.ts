import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Fastify's built-in Ajv coerces types everywhere (`"username": 123` would become "123")
 * and silently drops unknown properties. For JSON bodies both hide mistakes of the sender,
 * and a dropped field would leave the stored record short of what its `content_hash`
 * claims to cover, so bodies are validated strictly. Query strings only ever carry text,
 * so there (and only there) "16" is coerced to the integer 16.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false, strict: true });
  const query = new Ajv({ coerceTypes: true, removeAdditional: false, useDefaults: true, allErrors: false, strict: true });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'querystring' || httpPart === 'params' ? query : strict;
    return ajv.compile(schema as object) as ValidateFunction;
  };
}
