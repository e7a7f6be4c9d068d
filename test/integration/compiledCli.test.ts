/**
 * bin/bulk-users.js runs dist/ only while it is as new as every source, so an edited tree
 * never runs stale code; and the compiled CLI itself works (it finds the schema and the
 * package version from dist/src/, one level deeper than src/).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript shared with bin/bulk-users.js, without type declarations
import { compiledIsFresh } from '../../scripts/compiled.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'bu-fresh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const root = pathToFileURL(`${dir}/`);
const at = (file: string, seconds: number): void => {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), '');
  utimesSync(path.join(dir, file), seconds, seconds);
};
const fresh = (): boolean => (compiledIsFresh as (root: URL) => boolean)(root);

describe('compiledIsFresh', () => {
  it('is false without a build, true after one, false once any source is newer', () => {
    at('src/cli/main.ts', 1000);
    at('src/db/deep/nested.ts', 1000);
    at('bench/reconcileChild.ts', 1000);
    expect(fresh()).toBe(false);
    at('dist/.built', 2000);
    // A build from before the bundle (no dist/cli/main.js) is not one.
    expect(fresh()).toBe(false);
    at('dist/cli/main.js', 2000);
    expect(fresh()).toBe(true);
    at('src/db/deep/nested.ts', 3000);
    expect(fresh()).toBe(false);
    at('dist/.built', 4000);
    expect(fresh()).toBe(true);
    at('bench/reconcileChild.ts', 5000);
    expect(fresh()).toBe(false);
  });
});

describe('the compiled CLI', () => {
  // dist/src/cli/main.js as tsc wrote it, and dist/cli/main.js, the bundle bin/bulk-users.js runs.
  it.each([['src', 'cli', 'main.js'], ['cli', 'main.js']])('validates specs from dist/%s/…, finding the schema above it', (...entry) => {
    const repo = path.resolve(import.meta.dirname, '../..');
    execFileSync(process.execPath, [path.join(repo, 'scripts', 'build.mjs'), '--if-stale'], { cwd: repo });
    const specs = mkdtempSync(path.join(tmpdir(), 'bu-compiled-'));
    writeFileSync(path.join(specs, 'a.yaml'), 'apiVersion: bulk-users/v1\nkind: TestUserPopulation\nmetadata: {name: a}\nspec: {count: 3, usernamePattern: "a_{id}", password: {fromEnv: A_PW}, colour: red}\n');
    let out = '';
    try {
      execFileSync(process.execPath, [path.join(repo, 'dist', ...entry), 'validate', '--specs', specs], { encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      out = String((err as { stderr?: string; stdout?: string }).stderr) + String((err as { stdout?: string }).stdout);
    } finally {
      rmSync(specs, { recursive: true, force: true });
    }
    expect(out).toMatch(/a\.yaml:\d+:\d+: .*colour/);
  });
});
