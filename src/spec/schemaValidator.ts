import type { ErrorObject, ValidateFunction } from 'ajv';
import { didYouMean } from './didYouMean.ts';
import * as generated from './schemaValidator.generated.ts';
import type { JsonPath, SourceDocument } from './SourceDocument.ts';
import type { SpecProblem } from './SpecProblem.ts';

export const SPEC_KINDS = ['TestUserPopulation', 'SyncTarget', 'ReconcilerConfig', 'PopulationTemplate'] as const;
export type SpecKind = (typeof SPEC_KINDS)[number];
export const API_VERSION = 'bulk-users/v1';

/**
 * One validator per kind, ajv's standalone code generated from the schema file (the single
 * source of truth for shape) by `npm run gen:validator`: compiling the schema at run time
 * cost every CLI start ajv itself and the compile. Options: all errors, verbose.
 */
const validators = generated as unknown as Record<SpecKind, ValidateFunction>;

/**
 * Checks one document's shape; returns located problems (empty when the document is valid).
 * `badPaths` collects where they are (as displayPath, e.g. `spec.password.value`), so the
 * rules beyond the schema can still run on the fields that are fine.
 */
export function validateShape(src: SourceDocument, value: unknown, badPaths?: Set<string>): SpecProblem[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [src.problem([], 'a spec document must be a mapping with apiVersion, kind, metadata and spec')];
  }
  const obj = value as Record<string, unknown>;
  if (obj.apiVersion !== API_VERSION) {
    return [
      src.problem(['apiVersion'], `apiVersion must be ${API_VERSION}` + (obj.apiVersion === undefined ? ' (missing)' : ` (got ${JSON.stringify(obj.apiVersion)})`), `write "apiVersion: ${API_VERSION}"`),
    ];
  }
  if (!SPEC_KINDS.includes(obj.kind as SpecKind)) {
    const guess = typeof obj.kind === 'string' ? didYouMean(obj.kind, SPEC_KINDS) : undefined;
    return [
      src.problem(
        ['kind'],
        obj.kind === undefined ? 'kind is missing' : `unknown kind ${JSON.stringify(obj.kind)}`,
        guess ? `did you mean "${guess}"?` : `one of: ${SPEC_KINDS.join(', ')}`,
      ),
    ];
  }
  const validate = validators[obj.kind as SpecKind];
  if (validate(value)) return [];
  const errors = dedupe(validate.errors ?? []);
  for (const e of errors) badPaths?.add(displayPath(parsePointer(e.instancePath)));
  return errors.map((e) => toProblem(src, e));
}

function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  // `if/then` and `propertyNames` wrappers repeat the real error; keep the specific ones.
  return errors.filter((e) => {
    if (e.keyword === 'if' || e.keyword === 'propertyNames') return false;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function parsePointer(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function displayPath(path: JsonPath): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '') || '(document)';
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function toProblem(src: SourceDocument, e: ErrorObject): SpecProblem {
  const path = parsePointer(e.instancePath);
  const where = displayPath(path);
  const parent = (e.parentSchema ?? {}) as { properties?: Record<string, unknown>; description?: string; minimum?: number; maximum?: number };
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(parent.properties ?? {});
      const guess = didYouMean(key, allowed);
      return src.problem([...path, key], `unknown key "${key}" in ${where}`, guess ? `did you mean "${guess}"?` : `allowed keys: ${allowed.join(', ')}`, { key: true });
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      return src.problem(path, `${where} is missing required key "${key}"`, requiredHint(key));
    }
    case 'type':
      return src.problem(path, `${where} must be ${article((e.params as { type: string }).type)} (got ${show(e.data)})`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const s = e.parentSchema as { minimum?: number; maximum?: number; exclusiveMinimum?: number };
      const lo = s.minimum ?? s.exclusiveMinimum;
      const range = s.maximum !== undefined && lo !== undefined ? `between ${lo} and ${s.maximum}` : e.message;
      return src.problem(path, `${where} must be ${range} (got ${show(e.data)})`, parent.description);
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const guess = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
      return src.problem(path, `${where} must be one of ${allowed.join(', ')} (got ${show(e.data)})`, guess ? `did you mean "${guess}"?` : undefined);
    }
    case 'const':
      return src.problem(path, `${where} must be ${show((e.params as { allowedValue: unknown }).allowedValue)} (got ${show(e.data)})`);
    case 'pattern': {
      const pattern = (e.params as { pattern: string }).pattern;
      const found = forbiddenCharacter(pattern, e.data);
      if (found) {
        const { bad, kind } = found;
        const key = (e as { propertyName?: string }).propertyName;
        const hint = kind === 'surrogate'
          ? 'a character outside the Basic Multilingual Plane is written as a pair of surrogates; half a pair cannot be stored (an escape such as "\\uD83D" alone in YAML or JSON makes one)'
          : pattern.includes('\\u000B')
            ? 'tab, line feed and carriage return are the only control characters allowed here'
            : 'no control characters (U+0000-U+001F, U+007F-U+009F) or U+2028/U+2029 here';
        if (key !== undefined) return src.problem([...path, key], `key ${show(key)} in ${where} contains ${bad}`, hint, { key: true });
        return src.problem(path, `${where} contains ${bad}`, hint);
      }
      return src.problem(path, `${where} is not valid (got ${show(e.data)})`, parent.description ?? `must match ${pattern}`);
    }
    case 'format':
      return src.problem(path, `${where} must be ${(e.params as { format: string }).format === 'date-time' ? 'an RFC 3339 date-time such as 2026-12-31T00:00:00Z' : `a valid ${(e.params as { format: string }).format}`} (got ${show(e.data)})`);
    case 'minProperties':
    case 'maxProperties':
      return src.problem(path, `${where} must have exactly one of: ${Object.keys(parent.properties ?? {}).join(', ')}`, path.at(-1) === 'password' ? 'password: { fromEnv: LOADTEST_PASSWORD }' : undefined);
    case 'uniqueItems':
      return src.problem(path, `${where} lists the same item twice`);
    case 'minLength':
      return src.problem(path, `${where} must not be empty`);
    default:
      return src.problem(path, `${where} ${e.message ?? 'is not valid'}`);
  }
}

/**
 * For a pattern of the form `^[^...]*$` (characters a field must not hold, as the schema's
 * control-character rules are written): the first such character of `data`, named by code
 * point and position, since most of them are invisible.
 */
function forbiddenCharacter(pattern: string, data: unknown): { bad: string; kind: 'surrogate' | 'separator' | 'control' } | undefined {
  if (typeof data !== 'string' || !pattern.startsWith('^[^') || !pattern.endsWith(']*$')) return undefined;
  const one = new RegExp(`^${pattern.slice(1, -2)}$`, 'u');
  const chars = [...data];
  const at = chars.findIndex((c) => !one.test(c));
  if (at < 0) return undefined;
  const point = chars[at]!.codePointAt(0)!;
  const code = `U+${point.toString(16).toUpperCase().padStart(4, '0')}`;
  const kind = point >= 0xd800 && point <= 0xdfff ? 'surrogate' : point === 0x2028 || point === 0x2029 ? 'separator' : 'control';
  const what = { surrogate: 'an unpaired UTF-16 surrogate', separator: 'a line or paragraph separator', control: 'a control character' }[kind];
  return { bad: `${what} (${code}) at position ${at + 1}`, kind };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function requiredHint(key: string): string | undefined {
  const hints: Record<string, string> = {
    usernamePattern: 'for example usernamePattern: "loadtest_{id}@example.com"',
    password: 'for example password: { fromEnv: LOADTEST_PASSWORD }',
    count: 'how many users the population has, e.g. count: 1000',
    name: 'metadata: { name: my-population }',
  };
  return hints[key];
}
