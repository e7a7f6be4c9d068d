import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SyncTargetSpec } from '../spec/DesiredState.ts';
import { readSpecSources } from '../spec/loadSpecs.ts';
import { formatProblem, SpecValidationError } from '../spec/SpecProblem.ts';
import { validateSpecs } from '../spec/validateSpecs.ts';
import { fileTargetDirectory } from '../targets/file/fileTargetDirectory.ts';
import { resolveTargetConnection } from '../targets/loadtester/targetConnection.ts';
import { fail, messageOf, ok, warn, type DoctorCheck } from './DoctorCheck.ts';

const HTTP_TIMEOUT_MS = 5000;

/**
 * The spec files validate (as `bulk-users validate`); their targets, and the directory file
 * targets write into (as a sync resolves it), for the target checks.
 */
export function specsCheck(specsDir: string): { check: DoctorCheck; targets: SyncTargetSpec[]; fileTargetDir: string } {
  const fileTargetDir = fileTargetDirectory({ specsDir });
  try {
    const v = validateSpecs(readSpecSources(specsDir));
    const withDir = { fileTargetDir: fileTargetDirectory({ config: v.result.state.config, specsDir }) };
    const counts = `${v.result.state.populations.length} population(s), ${v.result.state.targets.length} sync target(s) in ${specsDir}`;
    if (v.errors.length) return { check: fail('specs', `${v.errors.length} error(s), first: ${formatProblem(v.errors[0]!)} (run \`bulk-users validate --specs ${specsDir}\`)`), targets: [], fileTargetDir };
    if (v.warnings.length) return { check: warn('specs', `${counts} valid, ${v.warnings.length} warning(s), first: ${formatProblem(v.warnings[0]!)}`), targets: v.result.state.targets, ...withDir };
    return { check: ok('specs', `${counts} valid`), targets: v.result.state.targets, ...withDir };
  } catch (err) {
    const detail = err instanceof SpecValidationError ? err.problems.map(formatProblem).join('; ') : messageOf(err);
    return { check: fail('specs', detail), targets: [], fileTargetDir };
  }
}

/** GET url; the status, or why there is none. */
async function probe(url: string, timeoutMs: number): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: (await res.text()).slice(0, 200) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { error: e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000}s` : (e.cause?.code ?? e.message) };
  }
}

/**
 * The bulk-users API's health route. Not running is a failure only when the operator named
 * the API with --api: by default doctor cannot know whether `serve` is meant to run here.
 */
export async function apiCheck(base: string, explicit: boolean): Promise<DoctorCheck> {
  const url = `${base.replace(/\/+$/, '')}/api/health`;
  const r = await probe(url, HTTP_TIMEOUT_MS);
  if ('error' in r) return (explicit ? fail : warn)('api', `${url}: ${r.error}${explicit ? '' : ' (not running here? `bulk-users serve`, or pass --api URL)'}`);
  if (r.status === 200) return ok('api', `${url} answered 200`);
  return fail('api', `${url} answered ${r.status}: ${r.body}`);
}

/** Each SyncTarget answers: the Load Tester's health route; a file target's directory is writable. */
export async function targetCheck(t: SyncTargetSpec, fileTargetDir: string, env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  const name = `target ${t.name}`;
  if (t.type === 'loadtester') {
    // The URL as a sync resolves it (urlFromEnv, else url). An optional target that is down
    // is skipped by every run, so it is a warning here, not a failure.
    let base: string;
    try {
      base = (await resolveTargetConnection(t, env)).base;
    } catch (err) {
      return fail(name, messageOf(err));
    }
    const url = `${base}/api/health`;
    const r = await probe(url, Math.min(HTTP_TIMEOUT_MS, t.timeoutSeconds * 1000));
    if ('error' in r) {
      return t.optional
        ? warn(name, `Load Tester ${url}: ${r.error}; optional, so runs skip it and its records stay pending (start it with \`bulk-users loadtester\`)`)
        : fail(name, `Load Tester ${url}: ${r.error}; the next sync to it fails (start it with \`bulk-users loadtester\`)`);
    }
    return r.status === 200 ? ok(name, `Load Tester ${url} answered 200`) : fail(name, `Load Tester ${url} answered ${r.status}: ${r.body}`);
  }
  // As FileTarget resolves it; a directory not there yet is created by the sync where its parent allows.
  const file = path.resolve(fileTargetDir, t.path!);
  let dir = path.dirname(file);
  for (;;) {
    try {
      await fs.access(dir, constants.W_OK | constants.X_OK);
      return ok(name, `${file}: ${dir} is writable`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ENOENT' || path.dirname(dir) === dir) return fail(name, `${file}: cannot write to ${dir} (${code ?? messageOf(err)})`);
      dir = path.dirname(dir);
    }
  }
}
