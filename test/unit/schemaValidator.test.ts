import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript run by npm run gen:validator, without type declarations
import { GENERATED_FILE, SPEC_KINDS as GENERATED_KINDS, generateValidatorCode } from '../../scripts/genValidator.mjs';
import * as generated from '../../src/spec/schemaValidator.generated.ts';
import { SPEC_KINDS } from '../../src/spec/schemaValidator.ts';

describe('the compiled schema validator', () => {
  it('is generated from schemas/bulk-users.schema.json as it is now', () => {
    const expected = (generateValidatorCode as () => string)();
    const committed = readFileSync(GENERATED_FILE as string, 'utf8');
    // A message, not a 110 kB diff: the fix is one command.
    expect(committed === expected, `${GENERATED_FILE} is out of date with the schema: run npm run gen:validator`).toBe(true);
  });

  it('has a validator for every spec kind, and only those', () => {
    expect([...(GENERATED_KINDS as string[])].sort()).toEqual([...SPEC_KINDS].sort());
    expect(Object.keys(generated).sort()).toEqual([...SPEC_KINDS].sort());
  });

  it('generates the same code twice (the lead re-runs it after merging schema changes)', () => {
    expect((generateValidatorCode as () => string)()).toBe((generateValidatorCode as () => string)());
  });
});
