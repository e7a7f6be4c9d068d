import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Paths whose values are secrets wherever they appear in a log record. Code never logs a
 * plaintext password on purpose; this is the net under that rule.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'spec.password.value',
  '*.spec.password.value',
  'password_hash',
  '*.password_hash',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

/** The JSON log file: bulk_user_management.log under BULK_USERS_LOG_DIR, else ./logs. */
export function defaultLogFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.BULK_USERS_LOG_DIR ?? 'logs', 'bulk_user_management.log');
}

/**
 * JSON lines to the log file (for machines), and readable warnings on stderr when a
 * person is watching. `level` applies to the file; stderr only shows warnings and errors
 * so it never interleaves with plan output.
 */
export function createLogger(opts: { file?: string | false; level?: string; stderr?: boolean; name?: string } = {}): Logger {
  const streams: pino.StreamEntry[] = [];
  const file = opts.file === undefined ? defaultLogFile() : opts.file;
  if (file) {
    mkdirSync(path.dirname(file), { recursive: true });
    streams.push({ level: (opts.level ?? 'info') as pino.Level, stream: pino.destination({ dest: file, sync: true, mkdir: true }) });
  }
  if (opts.stderr) {
    const stream = process.stderr.isTTY
      ? pretty({ destination: 2, colorize: true, sync: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' })
      : pino.destination({ dest: 2, sync: true });
    streams.push({ level: 'warn', stream });
  }
  return pino(
    { name: opts.name ?? 'bulk-users', level: opts.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } },
    streams.length ? pino.multistream(streams) : pino.destination({ dest: '/dev/null', sync: true }),
  );
}

/** A logger that discards everything (library use, tests that do not look at logs). */
export const silentLogger: Logger = pino({ level: 'silent' });
