import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SpawnedCli {
  child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Settles once the process has exited and its output is closed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Runs `bin/bulk-users.js` as a real process (signals, exit codes, two at once), env on top of this one's. */
export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): SpawnedCli {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/bulk-users.js'), ...args], {
    cwd: opts.cwd ?? PROJECT_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
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
