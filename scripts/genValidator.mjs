// Generates src/spec/schemaValidator.generated.ts: ajv's standalone code for every spec kind
// of schemas/bulk-users.schema.json, so the CLI loads ready validation functions instead of
// ajv itself plus a schema compile on every start. Run `npm run gen:validator` after
// changing the schema; test/unit/schemaValidator.test.ts fails while the committed file
// differs from what this script generates. The output is a pure function of the schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone/index.js';

/** The kinds schemaValidator.ts validates, each a definition of the schema. */
export const SPEC_KINDS = ['TestUserPopulation', 'SyncTarget', 'ReconcilerConfig', 'PopulationTemplate'];
export const GENERATED_FILE = 'src/spec/schemaValidator.generated.ts';

const BANNER = `/* Generated from schemas/bulk-users.schema.json by npm run gen:validator (scripts/genValidator.mjs). Do not edit. */
// @ts-nocheck: ajv's generated JavaScript; schemaValidator.ts gives it its types.
`;

/** The generated module's text. `root`: a URL of the package directory, ending in a slash. */
export function generateValidatorCode(root = new URL('../', import.meta.url)) {
  const schema = JSON.parse(readFileSync(new URL('schemas/bulk-users.schema.json', root), 'utf8'));
  // The options schemaValidator.ts relies on: every error, each with its parentSchema and
  // data (verbose), which the messages and hints are made of.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, useDefaults: false, code: { source: true, esm: true, lines: true } });
  addFormats.default(ajv);
  ajv.addSchema(schema);
  const code = standaloneCode.default(ajv, Object.fromEntries(SPEC_KINDS.map((k) => [k, `${schema.$id}#/definitions/${k}`])));
  // Standalone code reaches ajv's runtime helpers and the formats through require(), which
  // an ES module gets from createRequire (the same CommonJS exports under Node and vitest).
  return `${BANNER}import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${code.replace(/^"use strict";\n?/, '')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL(`../${GENERATED_FILE}`, import.meta.url), generateValidatorCode());
}
