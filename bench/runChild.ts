import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildInput, ChildResult } from './childProtocol.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.dirname(benchDir);

/**
 * Compiles the sources and the measuring child (`npm run build`), so that what is measured
 * runs as the CLI does after `npm ci`: compiled JavaScript, without tsx's loader thread.
 */
export function buildCompiled(): void {
  const r = spawnSync(process.execPath, [path.join(repoDir, 'scripts', 'build.mjs'), '--if-stale'], { cwd: repoDir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${(r.stdout + r.stderr).trim()}`);
}

/** Runs one reconcile in `node dist/bench/reconcileChild.js` (see buildCompiled) and returns what it measured. */
export async function runChild(input: ChildInput): Promise<ChildResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bu-bench-'));
  const file = path.join(dir, 'input.json');
  writeFileSync(file, JSON.stringify(input), { mode: 0o600 });
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(repoDir, 'dist', 'bench', 'reconcileChild.js'), file], {
        cwd: repoDir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
      child.once('error', reject);
      child.once('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (code !== 0 || !line) throw new Error(`reconcile child "${input.label}" exited ${code}:\n${stderr.trim() || stdout.trim()}`);
    const result = JSON.parse(line.slice('RESULT '.length)) as ChildResult;
    if (result.syncErrors.length) throw new Error(`reconcile child "${input.label}": target failed: ${result.syncErrors.join('; ')}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
