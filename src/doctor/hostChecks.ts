import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeLooseMode, looseModeOf } from '../crypto/privateFileMode.ts';
import { logRotationFromEnv } from '../log/logger.ts';
import { fail, messageOf, ok, THRESHOLDS, warn, type DoctorCheck } from './DoctorCheck.ts';

/** Use of the file system holding `dir` (or its nearest existing parent), as df counts it. */
export async function diskCheck(label: string, dir: string): Promise<DoctorCheck> {
  const name = `disk (${label})`;
  let at = path.resolve(dir);
  for (;;) {
    try {
      const st = await fs.statfs(at);
      const used = st.blocks - st.bfree;
      // df's Use%: the blocks reserved for root count as unavailable, not as free.
      const percent = used + st.bavail > 0 ? Math.ceil((used / (used + st.bavail)) * 100) : 0;
      const free = `${(Number(st.bavail) * st.bsize / 1024 ** 3).toFixed(1)} GiB free`;
      const detail = `${percent}% used on the file system of ${at} (${free})`;
      if (percent >= THRESHOLDS.diskFailPercent) return fail(name, `${detail}; at least ${THRESHOLDS.diskFailPercent}% makes writes fail`);
      if (percent >= THRESHOLDS.diskWarnPercent) return warn(name, `${detail}; the alert threshold is ${THRESHOLDS.diskWarnPercent}%`);
      return ok(name, detail);
    } catch (err) {
      const parent = path.dirname(at);
      if ((err as { code?: string }).code !== 'ENOENT' || parent === at) return warn(name, `cannot measure ${at}: ${messageOf(err)}`);
      at = parent;
    }
  }
}

/** The machine's memory in use (what is not available to new processes). */
export function memoryCheck(): DoctorCheck {
  const total = os.totalmem();
  const percent = Math.round(((total - os.freemem()) / total) * 1000) / 10;
  const detail = `${percent}% of ${(total / 1024 ** 3).toFixed(1)} GiB in use`;
  return percent >= THRESHOLDS.memoryWarnPercent ? warn('memory', `${detail}; the alert threshold is ${THRESHOLDS.memoryWarnPercent}%`) : ok('memory', detail);
}

/** Size of the live log file against its rotation size, and its permissions. */
export async function logFileCheck(file: string, env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  const rotation = logRotationFromEnv(env);
  const settings = `rotated at ${rotation.size}, ${rotation.files} old file(s) kept`;
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch {
    return ok('log file', `${file} not written yet (${settings})`);
  }
  const loose = await looseModeOf(file);
  const detail = `${file}: ${(size / 1024 ** 2).toFixed(1)} MiB (${settings})`;
  return loose !== undefined ? warn('log file', `${detail}; ${describeLooseMode(file, loose)}`) : ok('log file', detail);
}

/**
 * Files that open every stored password. A key file readable by others is refused by the
 * commands that use it, so it fails here too; server.json (the embedded server's superuser
 * password) is a warning.
 */
export async function secretFilesCheck(dataDir: string): Promise<DoctorCheck> {
  const problems: DoctorCheck[] = [];
  for (const [name, refused] of [['bulk-users.key', true], ['loadtester.key', true], ['server.json', false]] as const) {
    const file = path.join(dataDir, name);
    const loose = await looseModeOf(file);
    if (loose !== undefined) problems.push((refused ? fail : warn)('secret files', describeLooseMode(file, loose)));
  }
  if (problems.length === 0) return ok('secret files', `key files and server.json in ${dataDir} are private to their owner (or absent)`);
  const worst = problems.find((p) => p.status === 'fail') ?? problems[0]!;
  return { ...worst, detail: problems.map((p) => p.detail).join('; ') };
}
