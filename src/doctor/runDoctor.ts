import path from 'node:path';
import { dataDirectory } from '../dataDirectory.ts';
import { portFromEnv } from '../http/listen.ts';
import { defaultLogFile } from '../log/logger.ts';
import { DEFAULT_PORT } from '../server/startServer.ts';
import { databaseChecks, locateDatabase } from './databaseChecks.ts';
import type { DoctorCheck } from './DoctorCheck.ts';
import { diskCheck, logFileCheck, memoryCheck, secretFilesCheck } from './hostChecks.ts';
import { apiCheck, specsCheck, targetCheck } from './serviceChecks.ts';


export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  specsDir: string;
  /** The API to probe; given = it must answer. */
  api?: string;
  now?: Date;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

/**
 * Every check of `bulk-users doctor`, in the order an operator reads them. Nothing is
 * started, migrated or written: a stopped embedded server stays stopped.
 */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const { env } = opts;
  const dataDir = dataDirectory(env);
  const logFile = defaultLogFile(env);
  const apiBase = opts.api ?? `http://127.0.0.1:${safePort(env)}`;
  const located = await locateDatabase(env, dataDir);
  const specs = specsCheck(opts.specsDir);
  const [db, api, targets, secrets, log, diskData, diskLog] = await Promise.all([
    databaseChecks(located.url, opts.now ?? new Date()),
    apiCheck(apiBase, opts.api !== undefined),
    Promise.all(specs.targets.map((t) => targetCheck(t, specs.fileTargetDir, env))),
    secretFilesCheck(dataDir),
    logFileCheck(logFile, env),
    diskCheck('data', dataDir),
    diskCheck('logs', path.dirname(logFile)),
  ]);
  const checks = [located.check, ...db, specs.check, api, ...targets, diskData, diskLog, memoryCheck(), log, secrets];
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

function safePort(env: NodeJS.ProcessEnv): number {
  try {
    return portFromEnv(env, 'BULK_USERS_PORT', DEFAULT_PORT) || DEFAULT_PORT;
  } catch {
    return DEFAULT_PORT;
  }
}
