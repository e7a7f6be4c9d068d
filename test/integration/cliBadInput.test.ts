import { BILLION_LAUGHS } from '../support/billionLaughs.ts';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { populationYaml, spawnCli, specDir } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase();
});

afterAll(async () => {
  await tdb?.drop();
});

describe('identify through the real CLI', () => {
  it('prints each spec warning once, and its last line ends with a newline', async () => {
    const specs = specDir();
    // One warning (an inline password), one population that is not warned about.
    specs.write('a.yaml', populationYaml('warned', { password: { value: 'inline-pw' }, ttl: '7d' }));
    specs.write('b.yaml', populationYaml('quiet', { ttl: '7d' }));
    const env = { DATABASE_URL: tdb.url, BU_TEST_PASSWORD: 'pw' };
    const rec = await spawnCli(['reconcile', '--specs', specs.dir, '--yes'], { env }).exited;
    expect(rec.code, rec.stderr).toBe(0);

    const run = await spawnCli(['identify', '--specs', specs.dir], { env }).exited;
    expect(run.code, run.stderr).toBe(0);
    const warnings = run.stderr.split('\n').filter((l) => l.includes('warning:'));
    expect(warnings).toEqual([expect.stringMatching(/a\.yaml:\d+:\d+: warning: password is written in the spec in plain text/)]);
    expect(run.stdout).toMatch(/managed\s+quiet\s+10 /);
    expect(run.stdout.endsWith('Cleanup candidates: none.\n')).toBe(true);
  });
});

describe('validate through the real CLI: bad input is a located error naming the file', () => {

  it('a YAML alias bomb, a control character, and a missing password with ${id}: every problem, each located, exit 1', async () => {
    const specs = specDir();
    specs.write('bomb.yaml', BILLION_LAUGHS);
    specs.write('ctl.yaml', populationYaml('ctl', { usernamePattern: 'ctl\u0000_{id}', attributes: { note: 'a\u0007b' } }));
    specs.write('nopw.yaml', ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', 'metadata: { name: nopw }', 'spec:', '  count: 5', '  usernamePattern: "user_${id}@example.com"', ''].join('\n'));
    const run = await spawnCli(['validate', '--specs', specs.dir]).exited;
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    const file = (name: string) => path.join(specs.dir, name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${file('bomb.yaml')}:10:\\d+: YAML aliases expand too often`)),
      expect.stringMatching(new RegExp(`^${file('ctl.yaml')}:4:\\d+: spec\\.usernamePattern contains a control character \\(U\\+0000\\) at position 4`)),
      expect.stringMatching(new RegExp(`^${file('ctl.yaml')}:4:\\d+: spec\\.attributes\\.note contains a control character \\(U\\+0007\\) at position 2`)),
      expect.stringMatching(new RegExp(`^${file('nopw.yaml')}:5:3: spec is missing required key "password"`)),
      expect.stringMatching(new RegExp(`^${file('nopw.yaml')}:6:20: usernamePattern "user_\\$\\{id\\}@example\\.com" uses \\$\\{id\\}`)),
    ]);
    expect(run.stderr).not.toContain('unexpected');
    expect(run.stderr).not.toContain('log file');
  });
});
