import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDesiredState, type SpecLoadResult, type SpecSource } from '../../src/spec/loadSpecs.ts';
import { formatProblem, type SpecProblem } from '../../src/spec/SpecProblem.ts';
import { cli, specDir } from '../support/cli.ts';

// ---------------------------------------------------------------------------
// Helpers. Every population document built by `pop` has the same layout, so
// line numbers in the expectations are easy to check by eye:
//
//   1 apiVersion: bulk-users/v1
//   2 kind: TestUserPopulation
//   3 metadata:
//   4   name: <name>          (the name value is at column 9)
//   5 spec:
//   6   <first spec line>     (spec keys are at column 3)
//   7   ...
// ---------------------------------------------------------------------------

function pop(name: string, ...specLines: string[]): string {
  return ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', 'metadata:', `  name: ${name}`, 'spec:', ...specLines.map((l) => `  ${l}`), ''].join('\n');
}

/** A population with the three required keys; `extra` lines follow them (from line 9 on). */
function validPop(name: string, pattern = `${name}_{id}`, ...extra: string[]): string {
  return pop(name, 'count: 10', `usernamePattern: "${pattern}"`, 'password: { fromEnv: BU_TEST_PASSWORD }', ...extra);
}

function target(name: string, spec = '{ type: loadtester, url: "http://localhost:8080" }'): string {
  return ['apiVersion: bulk-users/v1', 'kind: SyncTarget', `metadata: { name: ${name} }`, `spec: ${spec}`, ''].join('\n');
}

/** Documents of one file, separated the way operators write them. */
const docs = (...texts: string[]): string => texts.join('---\n');

function build(...sources: [file: string, text: string][]): SpecLoadResult {
  return buildDesiredState(sources.map(([file, text]): SpecSource => ({ file, text })));
}

/** Every problem as the CLI prints it: `file:line:col: message (hint)`. */
const printed = (r: SpecLoadResult): string[] => r.problems.map(formatProblem);
const errors = (r: SpecLoadResult): SpecProblem[] => r.problems.filter((p) => p.severity === 'error');

// ---------------------------------------------------------------------------
// formatProblem
// ---------------------------------------------------------------------------

describe('formatProblem', () => {
  it('prints file:line:col: message (hint)', () => {
    expect(formatProblem({ severity: 'error', file: 'specs/a.yaml', line: 7, column: 20, message: 'bad', hint: 'fix it' })).toBe('specs/a.yaml:7:20: bad (fix it)');
  });

  it('leaves out the parentheses when there is no hint', () => {
    expect(formatProblem({ severity: 'error', file: 'a.yaml', line: 1, column: 1, message: 'bad' })).toBe('a.yaml:1:1: bad');
  });

  it('marks warnings', () => {
    expect(formatProblem({ severity: 'warning', file: 'a.yaml', line: 3, column: 5, message: 'careful', hint: 'why' })).toBe('a.yaml:3:5: warning: careful (why)');
  });
});

// ---------------------------------------------------------------------------
// usernamePattern rules
// ---------------------------------------------------------------------------

describe('usernamePattern placeholders', () => {
  it.each([
    ['user_', 'usernamePattern "user_" has no {id} placeholder', 'add {id} where the sequence number goes, e.g. "loadtest_{id}@example.com"'],
    ['user_{n}', 'usernamePattern "user_{n}" has no {id} placeholder', 'replace {n} with {id}'],
    ['user_${id}', 'usernamePattern "user_${id}" uses ${id}', 'use {id}, without the dollar sign'],
    ['user_{index}', 'usernamePattern "user_{index}" uses {index}', 'use {id}'],
    ['u{id}_{id}', 'usernamePattern "u{id}_{id}" has 2 {id} placeholders', 'use exactly one {id}'],
  ])('%s is an error located at the pattern value', (pattern, message, hint) => {
    const r = build(['specs/a.yaml', validPop('a', pattern)]);
    expect(r.problems).toEqual([{ severity: 'error', file: 'specs/a.yaml', line: 7, column: 20, message, hint }]);
    expect(r.state.populations).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Rules across documents and files
// ---------------------------------------------------------------------------

describe('names', () => {
  it('a duplicate name across files points at the first definition', () => {
    const r = build(['specs/a.yaml', validPop('checkout', 'a_{id}')], ['specs/b.yaml', validPop('checkout', 'b_{id}')]);
    expect(r.problems).toEqual([
      {
        severity: 'error',
        file: 'specs/b.yaml',
        line: 4,
        column: 9,
        message: 'duplicate name "checkout"',
        hint: 'already defined at specs/a.yaml:4:9; names are unique across all specs',
      },
    ]);
    expect(r.state.populations.map((p) => p.usernamePattern)).toEqual(['a_{id}']);
  });

  it('a population and a sync target share one name space', () => {
    const r = build(['specs/a.yaml', docs(target('shared'), validPop('shared'))]);
    expect(printed(r)).toEqual(['specs/a.yaml:9:9: duplicate name "shared" (already defined at specs/a.yaml:3:19; names are unique across all specs)']);
  });

  it('a name that is not lower-case letters, digits, - and _ is located at the name', () => {
    expect(printed(build(['a.yaml', validPop('Checkout_Load')]))).toEqual([
      "a.yaml:4:9: metadata.name is not valid (got \"Checkout_Load\") (Unique across all specs; lower-case a-z, 0-9, '-' and '_' (a DNS label, or a name such as load_tester), starting and ending with a letter or digit, at most 63 characters: safe in URLs and file names.)",
    ]);
  });
});

describe('overlapping username spaces', () => {
  it('two patterns that can produce the same username are an error with an example', () => {
    const r = build(['specs/a.yaml', validPop('a', 'user_{id}').replace('count: 10', 'count: 100')], ['specs/b.yaml', validPop('b', 'user_1{id}')]);
    expect(r.problems).toEqual([
      {
        severity: 'error',
        file: 'specs/b.yaml',
        line: 7,
        column: 20,
        message: 'populations "b" and "a" can both produce username "user_11" (ids 1 and 11)',
        hint: 'make the patterns or id ranges disjoint; "a" is at specs/a.yaml:7:20',
      },
    ]);
  });

  it('the same pattern over disjoint id ranges is fine', () => {
    const r = build(['a.yaml', docs(validPop('a', 'user_{id}').replace('count: 10', 'count: 100'), validPop('b', 'user_{id}', 'idStart: 101'))]);
    expect(r.problems).toEqual([]);
    expect(r.state.populations.map((p) => [p.name, p.idStart, p.count])).toEqual([
      ['a', 1, 100],
      ['b', 101, 10],
    ]);
  });

  it('the same pattern sharing one id at the boundary overlaps', () => {
    const r = build(['a.yaml', docs(validPop('a', 'user_{id}').replace('count: 10', 'count: 100'), validPop('b', 'user_{id}', 'idStart: 100'))]);
    expect(printed(r)).toEqual(['a.yaml:16:20: populations "b" and "a" can both produce username "user_100" (ids 100 and 100) (make the patterns or id ranges disjoint; "a" is at a.yaml:7:20)']);
  });

  it('a population of count 0 overlaps nothing', () => {
    const r = build(['a.yaml', docs(validPop('a', 'user_{id}'), validPop('b', 'user_{id}').replace('count: 10', 'count: 0'))]);
    expect(r.problems).toEqual([]);
  });
});

describe('sync target references', () => {
  it('an unknown target suggests the closest defined one', () => {
    const r = build(['specs/a.yaml', docs(validPop('a', 'a_{id}', 'syncTargets: [load-testr]'), target('load-tester'))]);
    expect(r.problems).toEqual([
      { severity: 'error', file: 'specs/a.yaml', line: 9, column: 17, message: 'unknown sync target "load-testr"', hint: 'did you mean "load-tester"?' },
    ]);
  });

  it('locates the second of several targets and lists the defined ones when nothing is close', () => {
    const r = build(['a.yaml', docs(validPop('a', 'a_{id}', 'syncTargets:', '  - load-tester', '  - jmeter'), target('load-tester'))]);
    expect(printed(r)).toEqual(['a.yaml:11:7: unknown sync target "jmeter" (defined targets: load-tester)']);
  });

  it('says how to define a target when there is none', () => {
    expect(printed(build(['a.yaml', validPop('a', 'a_{id}', 'syncTargets: [load-tester]')]))).toEqual([
      'a.yaml:9:17: unknown sync target "load-tester" (define it with a kind: SyncTarget document)',
    ]);
  });

  it('a target defined in another file is known', () => {
    const r = build(['a.yaml', validPop('a', 'a_{id}', 'syncTargets: [load-tester]')], ['targets.yaml', target('load-tester')]);
    expect(r.problems).toEqual([]);
    expect(r.state.populations[0]!.syncTargets).toEqual(['load-tester']);
  });
});

// ---------------------------------------------------------------------------
// Shape (JSON Schema) rules
// ---------------------------------------------------------------------------

describe('numbers out of range', () => {
  it.each([
    ['count: -1', 6, 10, 'spec.count must be between 0 and 100000000 (got -1)', 'How many users the population has.'],
    ['count: ten', 6, 10, 'spec.count must be an integer (got "ten")', undefined],
    ['count: 1.5', 6, 10, 'spec.count must be an integer (got 1.5)', undefined],
  ])('%s', (line, l, c, message, hint) => {
    const r = build(['a.yaml', pop('a', line, 'usernamePattern: "a_{id}"', 'password: { fromEnv: P }')]);
    expect(r.problems).toEqual([{ severity: 'error', file: 'a.yaml', line: l, column: c, message, ...(hint ? { hint } : {}) }]);
  });

  it.each([
    ['batchSize: 0', 9, 14, 'spec.batchSize must be between 1 and 50000 (got 0)', 'Rows per transaction.'],
    ['batchSize: 50001', 9, 14, 'spec.batchSize must be between 1 and 50000 (got 50001)', 'Rows per transaction.'],
    ['idStart: -1', 9, 12, 'spec.idStart must be between 0 and 1000000000000 (got -1)', 'Sequence number of the first member.'],
  ])('%s', (line, l, c, message, hint) => {
    const r = build(['a.yaml', validPop('a', 'a_{id}', line)]);
    expect(r.problems).toEqual([{ severity: 'error', file: 'a.yaml', line: l, column: c, message, hint }]);
  });

  it('the limits themselves are valid', () => {
    const r = build(['a.yaml', docs(validPop('a', 'a_{id}', 'batchSize: 1', 'idStart: 0'), validPop('b', 'b_{id}', 'batchSize: 50000').replace('count: 10', 'count: 0'))]);
    expect(r.problems).toEqual([]);
    expect(r.state.populations.map((p) => [p.batchSize, p.idStart, p.count])).toEqual([
      [1, 0, 10],
      [50000, 1, 0],
    ]);
  });
});

describe('keys', () => {
  it('unknown keys near a valid one suggest it, located at the key', () => {
    const r = build(['a.yaml', pop('a', 'cout: 10', 'usernamePatern: "a_{id}"', 'password: { fromEnv: P }')]);
    expect(printed(r).sort()).toEqual(
      [
        'a.yaml:6:3: spec is missing required key "count" (how many users the population has, e.g. count: 1000)',
        'a.yaml:6:3: spec is missing required key "usernamePattern" (for example usernamePattern: "loadtest_{id}@example.com")',
        'a.yaml:6:3: unknown key "cout" in spec (did you mean "count"?)',
        'a.yaml:7:3: unknown key "usernamePatern" in spec (did you mean "usernamePattern"?)',
      ].sort(),
    );
  });

  it('an unknown key far from every valid one lists the allowed keys', () => {
    const r = build(['a.yaml', validPop('a', 'a_{id}', 'frobnicate: true')]);
    expect(r.problems).toEqual([
      {
        severity: 'error',
        file: 'a.yaml',
        line: 9,
        column: 3,
        message: 'unknown key "frobnicate" in spec',
        hint: 'allowed keys: count, usernamePattern, idStart, emailDomain, password, attributes, batchSize, ttl, expiresAt, syncTargets, deletionPolicy',
      },
    ]);
  });

  it('an unknown key in metadata is located too', () => {
    const text = ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', 'metadata:', '  name: a', '  lables: { team: x }', 'spec: { count: 1, usernamePattern: "a_{id}", password: { fromEnv: P } }', ''].join('\n');
    expect(printed(build(['a.yaml', text]))).toEqual(['a.yaml:5:3: unknown key "lables" in metadata (did you mean "labels"?)']);
  });

  it('every missing required key is reported, with its hint', () => {
    const r = build(['a.yaml', pop('a', 'idStart: 3')]);
    expect(r.problems).toEqual([
      { severity: 'error', file: 'a.yaml', line: 6, column: 3, message: 'spec is missing required key "count"', hint: 'how many users the population has, e.g. count: 1000' },
      {
        severity: 'error',
        file: 'a.yaml',
        line: 6,
        column: 3,
        message: 'spec is missing required key "usernamePattern"',
        hint: 'for example usernamePattern: "loadtest_{id}@example.com"',
      },
      { severity: 'error', file: 'a.yaml', line: 6, column: 3, message: 'spec is missing required key "password"', hint: 'for example password: { fromEnv: LOADTEST_PASSWORD }' },
    ]);
  });

  it('a missing metadata is reported at the document', () => {
    const text = ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', 'spec: { count: 1, usernamePattern: "a_{id}", password: { fromEnv: P } }', ''].join('\n');
    expect(printed(build(['a.yaml', text]))).toEqual(['a.yaml:1:1: (document) is missing required key "metadata"']);
  });

  it('a password needs exactly one source', () => {
    const r = build(['a.yaml', pop('a', 'count: 1', 'usernamePattern: "a_{id}"', 'password: { fromEnv: P, value: x }')]);
    expect(printed(r)).toEqual(['a.yaml:8:13: spec.password must have exactly one of: fromEnv, value (password: { fromEnv: LOADTEST_PASSWORD })']);
  });
});

describe('apiVersion and kind', () => {
  it('a wrong apiVersion is located at its value', () => {
    const r = build(['a.yaml', validPop('a').replace('bulk-users/v1', 'bulk-users/v2')]);
    expect(r.problems).toEqual([
      { severity: 'error', file: 'a.yaml', line: 1, column: 13, message: 'apiVersion must be bulk-users/v1 (got "bulk-users/v2")', hint: 'write "apiVersion: bulk-users/v1"' },
    ]);
  });

  it('a missing apiVersion says so', () => {
    const r = build(['a.yaml', validPop('a').replace('apiVersion: bulk-users/v1\n', '')]);
    expect(printed(r)).toEqual(['a.yaml:1:1: apiVersion must be bulk-users/v1 (missing) (write "apiVersion: bulk-users/v1")']);
  });

  it('an unknown kind suggests the closest one', () => {
    const r = build(['a.yaml', validPop('a').replace('kind: TestUserPopulation', 'kind: TestUserPopulaton')]);
    expect(r.problems).toEqual([
      { severity: 'error', file: 'a.yaml', line: 2, column: 7, message: 'unknown kind "TestUserPopulaton"', hint: 'did you mean "TestUserPopulation"?' },
    ]);
  });

  it('an unrelated kind lists the kinds', () => {
    expect(printed(build(['a.yaml', validPop('a').replace('kind: TestUserPopulation', 'kind: Deployment')]))).toEqual([
      'a.yaml:2:7: unknown kind "Deployment" (one of: TestUserPopulation, SyncTarget, ReconcilerConfig, PopulationTemplate)',
    ]);
  });

  it('a document that is not a mapping is an error at its start', () => {
    expect(printed(build(['a.yaml', 'just a string\n']))).toEqual(['a.yaml:1:1: a spec document must be a mapping with apiVersion, kind, metadata and spec']);
  });
});

describe('YAML syntax', () => {
  it('a duplicate key is located at the second key', () => {
    const r = build(['a.yaml', pop('a', 'count: 1', 'count: 2', 'usernamePattern: "a_{id}"', 'password: { fromEnv: P }')]);
    expect(r.problems).toEqual([
      { severity: 'error', file: 'a.yaml', line: 7, column: 3, message: 'YAML syntax error: Map keys must be unique', hint: 'each key may appear once per mapping' },
    ]);
  });

  it('a tab used as indentation is located at its line', () => {
    const r = build(['a.yaml', pop('a', 'count: 1').replace('  count: 1', '\tcount: 1')]);
    expect(errors(r)[0]).toEqual({
      severity: 'error',
      file: 'a.yaml',
      line: 6,
      column: 1,
      message: 'YAML syntax error: Tabs are not allowed as indentation',
      hint: 'check indentation and quoting',
    });
  });

  it('a syntax error in one document does not hide the others', () => {
    // good: lines 1-8, `---` 9, bad: 10-18 (the second `count` on line 16)
    const r = build(['a.yaml', docs(validPop('good'), pop('bad', 'count: 1', 'count: 2', 'usernamePattern: "b_{id}"', 'password: { fromEnv: P }'))]);
    expect(printed(r)).toEqual(['a.yaml:16:3: YAML syntax error: Map keys must be unique (each key may appear once per mapping)']);
    expect(r.state.populations.map((p) => p.name)).toEqual(['good']);
  });
});

describe('population rules beyond shape', () => {
  it('ttl and expiresAt together are an error at expiresAt', () => {
    const r = build(['a.yaml', validPop('a', 'a_{id}', 'ttl: 7d', 'expiresAt: 2026-12-31T00:00:00Z')]);
    expect(r.problems).toEqual([{ severity: 'error', file: 'a.yaml', line: 10, column: 14, message: 'spec has both ttl and expiresAt', hint: 'use one of them' }]);
  });

  it('a malformed ttl is located with its description as hint', () => {
    expect(printed(build(['a.yaml', validPop('a', 'a_{id}', 'ttl: 7 days')]))).toEqual(['a.yaml:9:8: spec.ttl is not valid (got "7 days") (Lease length: 30m, 12h, 7d, 2w.)']);
  });

  it('a plaintext password is a warning and the population is still built', () => {
    const r = build(['a.yaml', pop('a', 'count: 10', 'usernamePattern: "a_{id}"', 'password: { value: hunter2 }')]);
    expect(r.problems).toEqual([
      {
        severity: 'warning',
        file: 'a.yaml',
        line: 8,
        column: 22,
        message: 'password is written in the spec in plain text',
        hint: 'specs live in git; prefer password: { fromEnv: VARIABLE }',
      },
    ]);
    expect(printed(r)).toEqual(['a.yaml:8:22: warning: password is written in the spec in plain text (specs live in git; prefer password: { fromEnv: VARIABLE })']);
    expect(r.state.populations).toHaveLength(1);
    expect(r.state.populations[0]!.password).toEqual({ value: 'hunter2' });
  });

  it('an emailDomain next to an address pattern is a warning', () => {
    const r = build(['a.yaml', validPop('a', 'a_{id}@corp.test', 'emailDomain: example.org')]);
    expect(printed(r)).toEqual(['a.yaml:9:16: warning: emailDomain is ignored because usernames are already e-mail addresses']);
    expect(r.state.populations).toHaveLength(1);
  });

  it('a password variable that is not set is not a validation error (it fails at apply time)', () => {
    const variable = 'BU_SPEC_TEST_VARIABLE_THAT_IS_NEVER_SET';
    delete process.env[variable];
    const r = build(['a.yaml', pop('a', 'count: 10', 'usernamePattern: "a_{id}"', `password: { fromEnv: ${variable} }`)]);
    expect(r.problems).toEqual([]);
    expect(r.state.populations[0]!.password).toEqual({ fromEnv: variable });
  });
});

// ---------------------------------------------------------------------------
// Several problems, several documents
// ---------------------------------------------------------------------------

describe('many problems at once', () => {
  it('reports every error of every document and file, not just the first', () => {
    // one: lines 1-8, `---` 9, two: 10-18, `---` 19, three: 20-27
    const a = docs(
      validPop('one', 'one_${id}'),
      pop('two', 'count: -1', 'usernamePattern: "two_{id}"', 'password: { fromEnv: P }', 'batchSize: 0'),
      validPop('three').replace('kind: TestUserPopulation', 'kind: TestUserPopulaton'),
    );
    const b = validPop('four', 'four_{index}');
    const r = build(['specs/a.yaml', a], ['specs/b.yaml', b]);
    expect(printed(r).sort()).toEqual(
      [
        'specs/a.yaml:7:20: usernamePattern "one_${id}" uses ${id} (use {id}, without the dollar sign)',
        'specs/a.yaml:15:10: spec.count must be between 0 and 100000000 (got -1) (How many users the population has.)',
        'specs/a.yaml:18:14: spec.batchSize must be between 1 and 50000 (got 0) (Rows per transaction.)',
        'specs/a.yaml:21:7: unknown kind "TestUserPopulaton" (did you mean "TestUserPopulation"?)',
        'specs/b.yaml:7:20: usernamePattern "four_{index}" uses {index} (use {id})',
      ].sort(),
    );
    expect(r.problems.every((p) => p.severity === 'error')).toBe(true);
  });

  it('locates an error in a later document on that document\'s lines', () => {
    const r = build(['a.yaml', docs(target('load-tester'), validPop('first'), validPop('second', 'second_{id}', 'deletionPolicy: Retian'))]);
    // target: lines 1-4, `---` 5, first: 6-13, `---` 14, second: 15-23 (deletionPolicy on 23)
    expect(r.problems).toEqual([
      { severity: 'error', file: 'a.yaml', line: 23, column: 19, message: 'spec.deletionPolicy must be one of Delete, Retain (got "Retian")', hint: 'did you mean "Retain"?' },
    ]);
    expect(r.state.populations.map((p) => p.name)).toEqual(['first']);
    expect(r.state.targets.map((t) => t.name)).toEqual(['load-tester']);
  });

  it('reports every semantic problem of one population together, in line order', () => {
    const r = build([
      'a.yaml',
      docs(
        target('load-tester'),
        pop('one', 'count: 1', 'usernamePattern: "user_${id}"', 'password: { fromEnv: X }', 'ttl: 7d', 'expiresAt: 2026-12-31T00:00:00Z', 'syncTargets: [load-testr]'),
      ),
    ]);
    // target: 1-4, `---` 5, one: 6-15 (usernamePattern 12, expiresAt 15, syncTargets 16)
    expect(printed(r)).toEqual([
      'a.yaml:12:20: usernamePattern "user_${id}" uses ${id} (use {id}, without the dollar sign)',
      'a.yaml:15:14: spec has both ttl and expiresAt (use one of them)',
      'a.yaml:16:17: unknown sync target "load-testr" (did you mean "load-tester"?)',
    ]);
  });

  it('a trailing document marker, or a last document of only a comment, is not a document', () => {
    const r = build(['a.yaml', `${target('t')}---
`], ['b.yaml', `${validPop('b')}---
# more to come
`]);
    expect(r.problems).toEqual([]);
    expect(r.state.targets.map((t) => t.name)).toEqual(['t']);
    expect(r.state.populations.map((p) => p.name)).toEqual(['b']);
  });

  it('a leading document marker, an explicit end marker, comments and empty files are fine', () => {
    const r = build(['a.yaml', `# test users\n---\n${validPop('a')}...\n`], ['b.yaml', ''], ['c.yaml', '# nothing here yet\n']);
    expect(r.problems).toEqual([]);
    expect(r.state.populations.map((p) => p.name)).toEqual(['a']);
  });
});

// ---------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------

describe('defaults', () => {
  it('fills every population default', () => {
    const r = build(['specs/a.yaml', docs(target('load-tester'), validPop('checkout'))]);
    expect(r.problems).toEqual([]);
    expect(r.state.populations).toEqual([
      {
        name: 'checkout',
        labels: {},
        count: 10,
        usernamePattern: 'checkout_{id}',
        pattern: { prefix: 'checkout_', suffix: '' },
        idStart: 1,
        emailDomain: 'example.com',
        password: { fromEnv: 'BU_TEST_PASSWORD' },
        attributes: {},
        batchSize: 1000,
        syncTargets: [],
        deletionPolicy: 'Delete',
        origin: { file: 'specs/a.yaml', line: 6 },
      },
    ]);
  });

  it('keeps what the spec sets', () => {
    const r = build([
      'a.yaml',
      validPop(
        'set',
        'loadtest_{id}@corp.test',
        'idStart: 500',
        'batchSize: 250',
        'attributes: { role: customer, locale: ja-JP }',
        'ttl: 7d',
        'deletionPolicy: Retain',
      ).replace('  name: set', '  name: set\n  labels: { team: payments }'),
    ]);
    expect(r.problems).toEqual([]);
    expect(r.state.populations[0]).toMatchObject({
      labels: { team: 'payments' },
      pattern: { prefix: 'loadtest_', suffix: '@corp.test' },
      idStart: 500,
      batchSize: 250,
      attributes: { role: 'customer', locale: 'ja-JP' },
      ttl: '7d',
      deletionPolicy: 'Retain',
      emailDomain: 'example.com',
    });
    expect(r.state.populations[0]!.expiresAt).toBeUndefined();
  });

  it('fills every sync target default', () => {
    const r = build(['a.yaml', docs(target('load-tester'), target('csv', '{ type: file, path: out/users.csv }'))]);
    expect(r.problems).toEqual([]);
    expect(r.state.targets).toEqual([
      {
        name: 'load-tester',
        type: 'loadtester',
        url: 'http://localhost:8080',
        timeoutSeconds: 30,
        retry: { attempts: 3, delaySeconds: 15 },
        concurrency: 4,
        chunkSize: 1000,
        origin: { file: 'a.yaml', line: 1 },
      },
      {
        name: 'csv',
        type: 'file',
        path: 'out/users.csv',
        format: 'csv',
        timeoutSeconds: 30,
        retry: { attempts: 3, delaySeconds: 15 },
        concurrency: 4,
        chunkSize: 1000,
        origin: { file: 'a.yaml', line: 6 },
      },
    ]);
  });

  it('a loadtester target without url is an error', () => {
    expect(printed(build(['a.yaml', target('lt', '{ type: loadtester }')]))).toEqual(['a.yaml:4:7: a loadtester target needs a url (url: http://localhost:8080)']);
  });
});

// ---------------------------------------------------------------------------
// `bulk-users validate` (in-process; no database needed)
// ---------------------------------------------------------------------------

describe('bulk-users validate', () => {
  /** a.yaml: alpha lines 1-8, beta 10-18 (syncTargets on 18), load-tester 20-23; b.yaml: gamma lines 1-9. */
  function brokenDir(): { dir: string; a: string; b: string } {
    const d = specDir();
    d.write('a.yaml', docs(validPop('alpha', 'alpha_${id}'), validPop('beta', 'beta_{id}', 'syncTargets: [load-testr]'), target('load-tester')));
    d.write('b.yaml', pop('gamma', 'count: ten', 'usernamePattern: "gamma_{id}"', 'password: { fromEnv: P }', 'batchSize: 0'));
    return { dir: d.dir, a: path.join(d.dir, 'a.yaml'), b: path.join(d.dir, 'b.yaml') };
  }

  it('prints one line per problem on stderr and exits 1', async () => {
    const { dir, a, b } = brokenDir();
    const res = await cli(['validate', '--specs', dir]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr.endsWith('\n')).toBe(true);
    expect(res.stderr.trimEnd().split('\n').sort()).toEqual(
      [
        `${a}:7:20: usernamePattern "alpha_\${id}" uses \${id} (use {id}, without the dollar sign)`,
        `${a}:18:17: unknown sync target "load-testr" (did you mean "load-tester"?)`,
        `${b}:6:10: spec.count must be an integer (got "ten")`,
        `${b}:9:14: spec.batchSize must be between 1 and 50000 (got 0) (Rows per transaction.)`,
      ].sort(),
    );
  });

  it('a valid directory exits 0 and reports the counts; warnings go to stdout', async () => {
    const d = specDir();
    // alpha: lines 1-10, `---` 11, beta: 12-19 (password on line 19); beta has no ttl
    d.write('pops.yaml', docs(validPop('alpha', 'alpha_{id}', 'syncTargets: [load-tester]', 'ttl: 7d'), pop('beta', 'count: 5', 'usernamePattern: "beta_{id}"', 'password: { value: pw }')));
    d.write('targets.yml', target('load-tester'));
    d.write('README.md', 'not a spec: {{{');
    const res = await cli(['validate', '--specs', d.dir]);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(
      `${path.join(d.dir, 'pops.yaml')}:19:22: warning: password is written in the spec in plain text (specs live in git; prefer password: { fromEnv: VARIABLE })\n` +
        `${path.join(d.dir, 'pops.yaml')}:12:1: warning: population "beta" has neither ttl nor expiresAt, so its users never expire (add ttl: 7d (or expiresAt) unless it is meant to stay)\n` +
        `2 population(s) and 1 sync target(s) valid in ${d.dir}\n`,
    );
  });

  it('--output json gives {valid, errors, warnings}', async () => {
    const { dir, a, b } = brokenDir();
    const res = await cli(['validate', '--specs', dir, '--output', 'json']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('');
    const out = JSON.parse(res.stdout) as { valid: boolean; errors: SpecProblem[]; warnings: SpecProblem[] };
    expect(Object.keys(out).sort()).toEqual(['errors', 'valid', 'warnings']);
    expect(out.valid).toBe(false);
    expect(out.warnings).toEqual([]);
    expect(out.errors.map((e) => [e.file, e.line, e.column]).sort()).toEqual(
      [
        [a, 7, 20],
        [a, 18, 17],
        [b, 6, 10],
        [b, 9, 14],
      ].sort(),
    );
    expect(out.errors.find((e) => e.line === 18)).toEqual({
      severity: 'error',
      file: a,
      line: 18,
      column: 17,
      message: 'unknown sync target "load-testr"',
      hint: 'did you mean "load-tester"?',
    });
  });

  it('--output json for a valid directory', async () => {
    const d = specDir();
    d.write('a.yaml', pop('a', 'count: 1', 'usernamePattern: "a_{id}"', 'password: { value: pw }', 'expiresAt: 2030-01-01T00:00:00Z'));
    const res = await cli(['validate', '--specs', d.dir, '--output', 'json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({
      valid: true,
      errors: [],
      warnings: [
        {
          severity: 'warning',
          file: path.join(d.dir, 'a.yaml'),
          line: 8,
          column: 22,
          message: 'password is written in the spec in plain text',
          hint: 'specs live in git; prefer password: { fromEnv: VARIABLE }',
        },
      ],
    });
  });

  it('a spec directory that does not exist is a located error, not a crash', async () => {
    const missing = path.join(specDir().dir, 'nope');
    const res = await cli(['validate', '--specs', missing]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`${missing}:1:1: spec directory ${missing} does not exist (pass --specs DIR)\n1 error(s); nothing was written.\n`);
  });
});
