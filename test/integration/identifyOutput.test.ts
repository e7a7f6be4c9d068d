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
