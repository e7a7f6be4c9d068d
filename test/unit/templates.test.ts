import { describe, expect, it } from 'vitest';
import { applyTemplate } from '../../src/spec/applyTemplate.ts';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { isReservedDomain, practiceWarnings } from '../../src/spec/practiceWarnings.ts';
import { formatProblem } from '../../src/spec/SpecProblem.ts';
import { validateSpecs } from '../../src/spec/validateSpecs.ts';

const template = (name: string, spec: string) => ['apiVersion: bulk-users/v1', 'kind: PopulationTemplate', `metadata: { name: ${name} }`, `spec: ${spec}`, ''].join('\n');
const pop = (name: string, spec: string) => ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', `metadata: { name: ${name} }`, `spec: ${spec}`, ''].join('\n');

describe('PopulationTemplate documents', () => {
  it('are validated and returned, and create nothing', () => {
    const r = buildDesiredState([{ file: 't.yaml', text: template('small', '{ count: 5, ttl: 1d, attributes: { a: 1 } }') }]);
    expect(r.problems).toEqual([]);
    expect(r.state.populations).toEqual([]);
    expect(r.templates).toEqual([{ name: 'small', spec: { count: 5, ttl: '1d', attributes: { a: 1 } }, origin: { file: 't.yaml', line: 1 } }]);
  });

  it('report their mistakes located, with the same rules as populations', () => {
    const r = buildDesiredState([{ file: 't.yaml', text: template('bad', '{ usernamePattern: "x_${id}", batchSize: 0, colour: red }') }]);
    expect(r.problems.map(formatProblem)).toEqual([
      't.yaml:4:48: spec.batchSize must be between 1 and 50000 (got 0) (Rows per transaction.)',
      't.yaml:4:51: unknown key "colour" in spec (allowed keys: count, usernamePattern, idStart, emailDomain, password, attributes, batchSize, ttl, expiresAt, syncTargets, deletionPolicy)',
    ]);
    const p = buildDesiredState([{ file: 't.yaml', text: template('bad', '{ usernamePattern: "x_${id}" }') }]);
    expect(p.problems.map(formatProblem)).toEqual(['t.yaml:4:26: usernamePattern "x_${id}" uses ${id} (use {id}, without the dollar sign)']);
    expect(p.templates).toEqual([]);
  });

  it('share the one name space of all specs', () => {
    const r = buildDesiredState([{ file: 'a.yaml', text: [template('same', '{ count: 1 }'), pop('same', '{ count: 1, usernamePattern: "s_{id}", password: { fromEnv: P } }')].join('---\n') }]);
    expect(r.problems.map((p) => p.message)).toEqual(['duplicate name "same"']);
  });

  it('applyTemplate: the request wins, attributes merge', () => {
    expect(applyTemplate({ count: 5, batchSize: 500, attributes: { a: 1, b: 2 } }, { count: 2, attributes: { b: 3 }, usernamePattern: 'u_{id}' })).toEqual({
      count: 2,
      batchSize: 500,
      usernamePattern: 'u_{id}',
      attributes: { a: 1, b: 3 },
    });
  });
});

describe('practice warnings (validate only)', () => {
  it('batch sizes ten times off the default, and domains not reserved for testing', () => {
    const r = buildDesiredState([
      {
        file: 'a.yaml',
        text: [
          pop('tiny', '{ count: 1, usernamePattern: "t_{id}", password: { fromEnv: P }, batchSize: 100 }'),
          pop('fine', '{ count: 1, usernamePattern: "f_{id}@sub.example.com", password: { fromEnv: P }, batchSize: 101 }'),
          pop('real', '{ count: 1, usernamePattern: "r_{id}", password: { fromEnv: P }, emailDomain: gmail.com, batchSize: 10000 }'),
        ].join('---\n'),
      },
    ]);
    expect(practiceWarnings(r.state).map((w) => w.message)).toEqual([
      'population "tiny": batchSize 100 is far from the default 1000',
      'population "real": batchSize 10000 is far from the default 1000',
      'population "real": e-mail domain "gmail.com" is not reserved for testing, so mail to these users could reach real mailboxes',
    ]);
    expect(validateSpecs([{ file: 'a.yaml', text: pop('ok', '{ count: 1, usernamePattern: "o_{id}", password: { fromEnv: P }, ttl: 1d }') }]).warnings).toEqual([]);
  });

  it('reserved domains', () => {
    for (const d of ['example.com', 'a.example.org', 'corp.test', 'x.example', 'foo.invalid', 'localhost', 'EXAMPLE.NET.']) expect(isReservedDomain(d), d).toBe(true);
    for (const d of ['acme.com', 'example.co', 'notexample.com', 'test.com']) expect(isReservedDomain(d), d).toBe(false);
  });
});
