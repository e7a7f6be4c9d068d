import { BILLION_LAUGHS } from '../support/billionLaughs.ts';
import { describe, expect, it } from 'vitest';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { countYamlDocuments } from '../../src/spec/SourceDocument.ts';
import { formatProblem } from '../../src/spec/SpecProblem.ts';
import { validateSpecs } from '../../src/spec/validateSpecs.ts';

const FILE = 'specs/bad.yaml';

function population(spec: Record<string, unknown>, metadata = 'metadata: { name: bad }'): string {
  const full = { count: 3, usernamePattern: 'bad_{id}', password: { fromEnv: 'BAD_PW' }, ...spec };
  return ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', metadata, `spec: ${JSON.stringify(full)}`, ''].join('\n');
}

function errorsOf(text: string): string[] {
  return buildDesiredState([{ file: FILE, text }])
    .problems.filter((p) => p.severity === 'error')
    .map(formatProblem);
}

describe('a YAML alias bomb', () => {
  it('is a located spec error, not a thrown one', () => {
    const errors = errorsOf(BILLION_LAUGHS);
    expect(errors).toHaveLength(1);
    // Line 10 holds the first alias (*a).
    expect(errors[0]).toMatch(/^specs\/bad\.yaml:10:\d+: YAML aliases expand too often/);
  });

  it('does not hide the other documents of the file', () => {
    const text = `${BILLION_LAUGHS}---\n${population({ usernamePattern: 'x_${id}' }, 'metadata: { name: other }')}`;
    const errors = errorsOf(text);
    expect(errors).toHaveLength(2);
    expect(errors[1]).toContain('uses ${id}');
  });

  it('a few aliases within the limit still work', () => {
    const text = ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', 'metadata: { name: ok }', 'spec:', '  count: 1', '  usernamePattern: "ok_{id}"', '  password: &pw { fromEnv: BAD_PW }', '  attributes: { backup: *pw }', ''].join('\n');
    expect(errorsOf(text)).toEqual([]);
  });
});

describe('unpaired UTF-16 surrogates (PostgreSQL cannot store them)', () => {
  it('in usernamePattern, an attribute value, an attribute key and a label: located errors naming the code unit', () => {
    const errors = errorsOf(population({ usernamePattern: 'a\ud800_{id}', attributes: { note: 'x\udc00', 'k\ud83d': 1, ok: 'paired 😀 is fine' } }, 'metadata: { name: bad, labels: { team: "t\\uDE00" } }'));
    expect(errors).toHaveLength(4);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^specs\/bad\.yaml:4:\d+: spec\.usernamePattern contains an unpaired UTF-16 surrogate \(U\+D800\) at position 2.*half a pair cannot be stored/),
        expect.stringMatching(/^specs\/bad\.yaml:4:\d+: spec\.attributes\.note contains an unpaired UTF-16 surrogate \(U\+DC00\) at position 2/),
        expect.stringMatching(/key ".*" in spec\.attributes contains an unpaired UTF-16 surrogate \(U\+D83D\) at position 2/),
        expect.stringMatching(/^specs\/bad\.yaml:3:\d+: metadata\.labels\.team contains an unpaired UTF-16 surrogate \(U\+DE00\)/),
      ]),
    );
  });

  it('characters outside the Basic Multilingual Plane (surrogate pairs) are ordinary text', () => {
    expect(errorsOf(population({ usernamePattern: '😀_{id}', attributes: { note: '𠮷野家 😀' } }))).toEqual([]);
  });
});

describe('control characters', () => {
  it.each([
    ['NUL', '\u0000', 'U+0000'],
    ['SOH', '\u0001', 'U+0001'],
    ['tab', '\t', 'U+0009'],
    ['DEL', '\u007f', 'U+007F'],
    ['C1 NEL', '\u0085', 'U+0085'],
    ['line separator', '\u2028', 'U+2028'],
  ])('%s in usernamePattern is a located error', (_label, ch, code) => {
    const errors = errorsOf(population({ usernamePattern: `a${ch}_{id}` }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^specs/bad\\.yaml:4:\\d+: spec\\.usernamePattern contains a .*\\(${code.replace('+', '\\+')}\\) at position 2`));
  });

  it('in an attribute value at any depth, and in an attribute key', () => {
    const errors = errorsOf(population({ attributes: { ok: 'fine', deep: { list: ['x', 'y\u0000z'] }, 'key\u0007': 1 } }));
    expect(errors.some((e) => e.includes('spec.attributes.deep.list[1] contains a control character (U+0000) at position 2'))).toBe(true);
    expect(errors.some((e) => /key ".*" in spec\.attributes contains a control character \(U\+0007\)/.test(e))).toBe(true);
    expect(errors).toHaveLength(2);
  });

  it('tab, line feed and carriage return are ordinary text in attributes', () => {
    expect(errorsOf(population({ attributes: { address: 'line 1\r\nline 2\tend' } }))).toEqual([]);
  });

  it('in emailDomain and in label values', () => {
    expect(errorsOf(population({ usernamePattern: 'u_{id}', emailDomain: 'exa\u0000mple.com' }))[0]).toMatch(/spec\.emailDomain is not valid/);
    expect(errorsOf(population({}, 'metadata: { name: bad, labels: { team: "a\\u0000b" } }'))[0]).toMatch(/^specs\/bad\.yaml:3:\d+: metadata\.labels\.team contains a control character \(U\+0000\)/);
  });

  it('attributes nested past 32 levels are an error located at the first level too deep', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = { a: deep };
    const errors = errorsOf(population({ attributes: deep }));
    expect(errors).toEqual([expect.stringMatching(/^specs\/bad\.yaml:4:\d+: spec\.attributes nest more than 32 levels deep/)]);
    let fine: unknown = 'leaf';
    for (let i = 0; i < 31; i++) fine = { a: fine };
    expect(errorsOf(population({ attributes: fine }))).toEqual([]);
  });

  it('make validate fail (the CLI and the API share it)', () => {
    expect(validateSpecs([{ file: FILE, text: population({ usernamePattern: 'a\u0001_{id}' }) }]).valid).toBe(false);
  });
});

describe('every problem of a document in one pass', () => {
  it('a missing password and a ${id} pattern are both reported', () => {
    const text = ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', 'metadata: { name: nopw }', 'spec:', '  count: 5', '  usernamePattern: "user_${id}@example.com"', ''].join('\n');
    const errors = errorsOf(text);
    expect(errors).toEqual([
      expect.stringMatching(/^specs\/bad\.yaml:5:3: spec is missing required key "password"/),
      expect.stringMatching(/^specs\/bad\.yaml:6:20: usernamePattern "user_\$\{id\}@example\.com" uses \$\{id\}/),
    ]);
  });

  it('a shape error and ttl with expiresAt and {index}', () => {
    const errors = errorsOf(population({ count: 'many', usernamePattern: 'u_{index}', ttl: '7d', expiresAt: '2030-01-01T00:00:00Z' }));
    expect(errors.some((e) => e.includes('spec.count must be an integer'))).toBe(true);
    expect(errors.some((e) => e.includes('uses {index}'))).toBe(true);
    expect(errors.some((e) => e.includes('both ttl and expiresAt'))).toBe(true);
  });

  it('a field the schema refused is not checked again (one message per mistake)', () => {
    const errors = errorsOf(population({ usernamePattern: 'tab\t{id}' }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('U+0009');
  });
});

describe('duplicate keys (checked in one pass, not by comparing every pair)', () => {
  it('in a flow mapping, in a large one, and only within one mapping', () => {
    const flow = population({}).replace('"count":3', '"count":3,"count":4');
    expect(errorsOf(flow)).toEqual([expect.stringMatching(/^specs\/bad\.yaml:4:\d+: YAML syntax error: Map keys must be unique/)]);
    const keys = Array.from({ length: 5000 }, (_, i) => `    k${i}: v${i}`);
    const big = (extra: string[]) => ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', 'metadata: { name: big }', 'spec:', '  count: 1', '  usernamePattern: "b_{id}"', '  password: { fromEnv: X }', '  attributes:', ...keys, ...extra, ''].join('\n');
    expect(errorsOf(big([]))).toEqual([]);
    expect(errorsOf(big(['    k4321: again']))).toEqual([expect.stringMatching(/^specs\/bad\.yaml:5009:5: YAML syntax error: Map keys must be unique/)]);
    // The same key in two different mappings is fine; 1 and "1" are different keys.
    expect(errorsOf(population({ attributes: { a: { x: 1 }, b: { x: 1 } } }))).toEqual([]);
    expect(errorsOf(big(['    "1": one', '    1: number']))).toEqual([]);
  });
});

describe('countYamlDocuments (the validate route refuses more than its cap before parsing)', () => {
  it.each([
    ['a: 1\n', 1],
    ['---\na: 1\n', 1],
    ['a: 1\n---\nb: 2\n--- \nc: 3\n', 3],
    ['# comment\n%YAML 1.2\n---\na: 1\n', 1],
    ['a: |\n  ---\n  text\n', 1],
    ['a: 1\n---x\n', 1],
    ['', 0],
  ])('%j holds %i', (text, n) => {
    expect(countYamlDocuments(text)).toBe(n);
  });
});

describe('template names', () => {
  it('"default" is the built-in default template\'s: a spec file cannot define it', () => {
    const text = ['apiVersion: bulk-users/v1', 'kind: PopulationTemplate', 'metadata: { name: default }', 'spec: { count: 1 }', ''].join('\n');
    const r = buildDesiredState([{ file: FILE, text }]);
    expect(r.templates).toEqual([]);
    expect(r.problems.map(formatProblem)).toEqual([expect.stringMatching(/^specs\/bad\.yaml:3:19: the template name "default" is taken by the built-in default template/)]);
  });
});
