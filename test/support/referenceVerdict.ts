import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REFERENCE_SCRIPT = fileURLToPath(new URL('./referenceVerify.py', import.meta.url));

export type Verdict = { results: boolean[]; by: string } | { missing: string };

/** The reference implementation's verdicts; Debian's /usr/bin/python3 first, the PATH one only for what it lacks. */
export function referenceVerdict(format: string, hash: string, passwords: string[]): Verdict {
  const missing: string[] = [];
  for (const python of ['/usr/bin/python3', 'python3']) {
    const run = spawnSync(python, [REFERENCE_SCRIPT], { input: JSON.stringify({ format, hash, passwords }), encoding: 'utf8', timeout: 60_000 });
    if (run.error) {
      missing.push(`${python}: ${run.error.message}`);
      continue;
    }
    if (run.status !== 0) throw new Error(`${python} ${REFERENCE_SCRIPT} failed: ${run.stderr}`);
    const verdict = JSON.parse(run.stdout) as Verdict;
    if ('results' in verdict) return { ...verdict, by: `${verdict.by} under ${python}` };
    missing.push(verdict.missing);
  }
  return { missing: missing.join('; ') };
}

