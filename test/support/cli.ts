import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/program.ts';
import { silentLogger } from '../../src/log/logger.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process against `databaseUrl`, capturing its output; BU_TEST_PASSWORD is set unless overridden. */
export async function cli(args: string[], opts: { databaseUrl?: string; env?: NodeJS.ProcessEnv; interactive?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { BU_TEST_PASSWORD: 'pw-for-tests', ...opts.env, ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}) },
    interactive: opts.interactive ?? false,
    logger: silentLogger,
  });
  return { code, stdout, stderr };
}

/** A temporary spec directory; `write(name, yaml)` (re)writes one file, `remove(name)` deletes it. */
export function specDir(): { dir: string; write(file: string, yaml: string): void; remove(file: string): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bu-specs-'));
  return {
    dir,
    write(file, yaml) {
      writeFileSync(path.join(dir, file), yaml);
    },
    remove(file) {
      rmSync(path.join(dir, file));
    },
  };
}

/** A TestUserPopulation document with sensible defaults and `spec` overrides. */
export function populationYaml(name: string, spec: Record<string, unknown>): string {
  const full = { count: 10, usernamePattern: `${name}_{id}`, password: { fromEnv: 'BU_TEST_PASSWORD' }, ...spec };
  return ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', `metadata: { name: ${name} }`, `spec: ${JSON.stringify(full)}`, ''].join('\n');
}
