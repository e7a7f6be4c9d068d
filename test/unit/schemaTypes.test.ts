import { readFileSync } from 'node:fs';
import { compileFromFile } from 'json-schema-to-typescript';
import { describe, expect, it } from 'vitest';

describe('schema is the single source of truth', () => {
  it('the TypeScript types are generated from schemas/bulk-users.schema.json (run npm run gen:types)', async () => {
    const generated = await compileFromFile('schemas/bulk-users.schema.json', {
      bannerComment: '/* Generated from schemas/bulk-users.schema.json by npm run gen:types. Do not edit. */',
      unreachableDefinitions: true,
    });
    expect(readFileSync('src/spec/schemaTypes.generated.ts', 'utf8')).toBe(generated);
  });
});
