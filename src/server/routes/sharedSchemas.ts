import { NO_NUL } from '../../http/describeValidationError.ts';

/**
 * Pieces of the route schemas. Route schemas check the JSON shape only (types, required,
 * unknown fields); what a population or template may hold is the spec validator's to say
 * (buildDesiredState), so its messages, with their hints, are the ones clients get.
 */

/** Routes without input still declare an empty query string, so stray parameters are reported. */
export const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;

export const text = { type: 'string', pattern: NO_NUL } as const;

/** Either credential opens the admin routes (OpenAPI security requirement). */
export const adminSecurity: { [scheme: string]: string[] }[] = [{ apiKey: [] }, { bearer: [] }];

export const batchIdParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { ...text, minLength: 1, maxLength: 253 } },
} as const;
