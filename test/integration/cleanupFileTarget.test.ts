/**
 * A cleanup that deletes one population from a file target rewrites the file whole, so it
 * needs the credentials of the populations the file keeps. It had been given none, and
 * every cleanup of a population synced to a file ended "partial" without deleting anything.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli, populationYaml, specDir } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

it('cleanup --orphans removes the orphan from the file target and keeps the other population with its password', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'bu-cleanup-out-'));
  const specs = specDir();
  specs.write(
    'target.yaml',
    ['apiVersion: bulk-users/v1', 'kind: SyncTarget', 'metadata: { name: creds }', 'spec: { type: file, path: users.csv, format: artillery-csv }', '---', 'apiVersion: bulk-users/v1', 'kind: ReconcilerConfig', 'metadata: { name: settings }', `spec: { fileTargetDir: "${out}" }`, ''].join('\n'),
  );
  specs.write('keep.yaml', populationYaml('keep', { count: 3, syncTargets: ['creds'], password: { fromEnv: 'KEEP_PW' } }));
  specs.write('old.yaml', populationYaml('old', { count: 2, syncTargets: ['creds'], deletionPolicy: 'Retain', password: { fromEnv: 'OLD_PW' } }));
  const env = { KEEP_PW: 'keep-password', OLD_PW: 'old-password' };
  const run = (args: string[]) => cli([...args, '--specs', specs.dir], { databaseUrl: db.url, env });

  expect((await run(['reconcile', '--yes'])).code).toBe(0);
  specs.remove('old.yaml');
  expect((await run(['reconcile', '--yes'])).code).toBe(0); // "old" stays, orphaned (Retain)
  const file = path.join(out, 'users.csv');
  expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(5);

  const res = await run(['cleanup', '--orphans', '--yes', '--output', 'json']);
  expect(res.code, res.stderr).toBe(0);
  expect(JSON.parse(res.stdout)).toMatchObject({ outcome: 'applied', deleted: 2 });
  expect(readFileSync(file, 'utf8').trim().split('\n').sort()).toEqual(['keep_1,keep-password', 'keep_2,keep-password', 'keep_3,keep-password']);
  expect(await db.query(`SELECT population, count(*)::int AS n FROM users WHERE is_test_user GROUP BY 1`)).toEqual([{ population: 'keep', n: 3 }]);
});
