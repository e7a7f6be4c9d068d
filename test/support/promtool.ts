import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PROMTOOL = '/usr/bin/promtool';
/** CI installs Debian's prometheus package (.ci/run); a developer machine may lack it. */
export const hasPromtool = existsSync(PROMTOOL);
export const NO_PROMTOOL = `${PROMTOOL} is missing (apt-get install prometheus; CI installs it): skipped`;

/** Runs promtool with `args`, `stdin` piped in; resolves with its exit code and output. */
export function promtool(args: string[], stdin?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(stdin ?? '');
  });
}
