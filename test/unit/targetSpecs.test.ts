import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDesiredState, readSpecSources } from '../../src/spec/loadSpecs.ts';
import { formatProblem } from '../../src/spec/SpecProblem.ts';
import { PROJECT_ROOT } from '../support/cli.ts';

function target(name: string, spec: string): string {
  return ['apiVersion: bulk-users/v1', 'kind: SyncTarget', `metadata: { name: ${name} }`, 'spec:', ...spec.split('\n').map((l) => `  ${l}`), ''].join('\n');
}

const errors = (text: string): string[] =>
  buildDesiredState([{ file: 't.yaml', text }])
    .problems.filter((p) => p.severity === 'error')
    .map(formatProblem);

describe('SyncTarget names', () => {
  it('accepts names written with underscores, as the operator guide writes load_tester', () => {
    const r = buildDesiredState([{ file: 't.yaml', text: target('load_tester', 'type: loadtester\nurl: http://127.0.0.1:8080') }]);
    expect(r.problems).toEqual([]);
    expect(r.state.targets.map((t) => t.name)).toEqual(['load_tester']);
  });

  it('still refuses names that are not safe in URLs and file names, and keeps them unique', () => {
    for (const bad of ['_lead', 'trail_', 'Upper_case', 'dot.ted', 'sl/ash']) {
      expect(errors(target(JSON.stringify(bad), 'type: loadtester\nurl: http://127.0.0.1:8080')), bad).toEqual([expect.stringMatching(/^t\.yaml:3:\d+: metadata\.name is not valid/)]);
    }
    expect(errors(target('load_tester', 'type: loadtester\nurl: http://a') + '---\n' + target('load_tester', 'type: loadtester\nurl: http://b'))).toEqual([
      expect.stringMatching(/^t\.yaml:10:\d+: duplicate name "load_tester"/),
    ]);
  });
});

describe('SyncTarget auth and URL', () => {
  it('reads auth.tokenFromEnv, urlFromEnv and optional', () => {
    const r = buildDesiredState([{ file: 't.yaml', text: target('lt', 'type: loadtester\nurlFromEnv: LT_URL\nauth: { tokenFromEnv: LT_TOKEN }\noptional: true') }]);
    expect(r.problems).toEqual([]);
    expect(r.state.targets[0]).toMatchObject({ urlFromEnv: 'LT_URL', auth: { tokenFromEnv: 'LT_TOKEN' }, optional: true });
    expect(r.state.targets[0]!.url).toBeUndefined();
  });

  it('refuses a token written in the spec, located, without echoing it', () => {
    const printed = errors(target('lt', 'type: loadtester\nurl: http://127.0.0.1:8080\nauth: { token: "s3cr3t-token-value" }'));
    expect(printed).toContain('t.yaml:7:11: unknown key "token" in spec.auth (allowed keys: tokenFromEnv)');
    expect(printed.join('\n')).not.toContain('s3cr3t');
  });

  it('refuses a Load Tester chunk larger than one request may carry, and takes the largest that fits', () => {
    expect(errors(target('lt', 'type: loadtester\nurl: http://127.0.0.1:8080\nchunkSize: 20000'))).toEqual([
      't.yaml:7:14: chunkSize 20000 is more records than the Load Tester takes in one request (10,000) (chunkSize: 10000)',
    ]);
    expect(errors(target('lt', 'type: loadtester\nurl: http://127.0.0.1:8080\nchunkSize: 10000'))).toEqual([]);
    expect(errors(target('f', 'type: file\npath: users.csv\nchunkSize: 50000'))).toEqual([]);
  });

  it('refuses Load Tester settings on a file target', () => {
    expect(errors(target('f', 'type: file\npath: users.csv\nauth: { tokenFromEnv: X }'))).toEqual(['t.yaml:7:9: auth applies to loadtester targets only (remove it from this file target)']);
  });
});

describe('file target paths', () => {
  it('refuses absolute paths and .. with a located error', () => {
    expect(errors(target('f', 'type: file\npath: /etc/cron.d/bulk'))).toEqual([expect.stringMatching(/^t\.yaml:6:9: path "\/etc\/cron\.d\/bulk" is absolute \(file targets write only inside the file target directory/)]);
    expect(errors(target('f', 'type: file\npath: ../../elsewhere/x.csv'))).toEqual([expect.stringMatching(/^t\.yaml:6:9: path "\.\.\/\.\.\/elsewhere\/x\.csv" leaves the file target directory/)]);
    expect(errors(target('f', 'type: file\npath: a/../../x.csv'))).toHaveLength(1);
    expect(errors(target('f', 'type: file\npath: "C:\\\\temp\\\\x.csv"'))).toEqual([expect.stringMatching(/is absolute/)]);
    expect(errors(target('f', 'type: file\npath: tools/')).join()).toMatch(/names a directory/);
    expect(errors(target('f', 'type: file\npath: tools/users..csv'))).toEqual([]);
  });
});

describe('the quick start specs', () => {
  it('define the Load Tester target load_tester (URL from LOADTESTER_URL, optional), and the populations list it', () => {
    const r = buildDesiredState(readSpecSources(path.join(PROJECT_ROOT, 'specs')));
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.state.targets).toEqual([
      expect.objectContaining({ name: 'load_tester', type: 'loadtester', url: 'http://127.0.0.1:8080', urlFromEnv: 'LOADTESTER_URL', auth: { tokenFromEnv: 'LOADTESTER_TOKEN' }, optional: true }),
    ]);
    for (const p of r.state.populations) expect(p.syncTargets, p.name).toEqual(['load_tester']);
  });
});
