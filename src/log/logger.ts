import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { createStream } from 'rotating-file-stream';

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

export const LOG_FILE_NAME = 'bulk_user_management.log';

/** The JSON log file: bulk_user_management.log under BULK_USERS_LOG_DIR, else ./logs. */
export function defaultLogFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.BULK_USERS_LOG_DIR ?? 'logs', LOG_FILE_NAME);
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
type Level = (typeof LEVELS)[number];

/** LOG_LEVEL (any case, as the original guide writes LOG_LEVEL=DEBUG); undefined when unset or not a level. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): Level | undefined {
  const v = env.LOG_LEVEL?.trim().toLowerCase();
  return v && (LEVELS as readonly string[]).includes(v) ? (v as Level) : undefined;
}

export interface LogRotation {
  /** Size at which the file is rotated, as rotating-file-stream spells it: 10M, 512K. */
  size: string;
  /** Rotated files kept beside the live one (bulk_user_management.log.1 … .N). */
  files: number;
}

/** BULK_USERS_LOG_MAX_SIZE (default 10M) and BULK_USERS_LOG_FILES (default 5); a bad value falls back to the default. */
export function logRotationFromEnv(env: NodeJS.ProcessEnv = process.env): LogRotation & { problems: string[] } {
  const problems: string[] = [];
  let size = '10M';
  const rawSize = env.BULK_USERS_LOG_MAX_SIZE?.trim();
  if (rawSize) {
    if (/^[1-9]\d*[BKMG]$/.test(rawSize.toUpperCase())) size = rawSize.toUpperCase();
    else problems.push(`BULK_USERS_LOG_MAX_SIZE="${rawSize}" is not a size like 10M or 512K; using ${size}`);
  }
  let files = 5;
  const rawFiles = env.BULK_USERS_LOG_FILES?.trim();
  if (rawFiles) {
    const n = Number(rawFiles);
    if (Number.isInteger(n) && n >= 1 && n <= 1000) files = n;
    else problems.push(`BULK_USERS_LOG_FILES="${rawFiles}" is not a whole number from 1 to 1000; using ${files}`);
  }
  return { size, files, problems };
}

/**
 * The log directory 0700 and the file 0600: failed logins log the typed username, which is
 * sometimes a password typed into the wrong field. An existing file is tightened, and an
 * existing directory too when it holds nothing but this log (a `logs/` of an older
 * version); a shared one (BULK_USERS_LOG_DIR=/tmp) is never changed.
 */
function preparePrivateLogFile(file: string): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const base = path.basename(file);
  let ours = false;
  try {
    ours = readdirSync(dir).every((n) => n === base || n.startsWith(`${base}.`));
  } catch {
    // unreadable: leave it
  }
  if (ours) tighten(dir, 0o700);
  tighten(file, 0o600);
}

function tighten(p: string, mode: number): void {
  try {
    const st = statSync(p);
    // Only what this user owns is ours to change (a shared /var/log directory is not).
    if ((st.mode & 0o777 & ~mode) !== 0 && st.uid === process.getuid?.()) chmodSync(p, mode);
  } catch {
    // absent (created below with the right mode) or not ours
  }
}

/**
 * Every log file stream stays referenced for the life of the process: one whose logger
 * went out of scope (the CLI's, once the command returned) would otherwise be collected
 * with its file handle open, and Node warns on stderr about closing it on collection.
 * The process's exit closes them, after pending writes.
 */
const openLogStreams = new Set<NodeJS.WritableStream>();

/**
 * A size-rotated file stream (rotating-file-stream in logrotate style): the live file keeps
 * its name, so `grep … logs/bulk_user_management.log` always reads the current log, and at
 * most `files` rotated copies (.1 newest … .N oldest) are kept.
 */
function rotatingFile(file: string, rotation: LogRotation) {
  preparePrivateLogFile(file);
  const stream = createStream(path.basename(file), { path: path.dirname(file), size: rotation.size, rotate: rotation.files, mode: 0o600 });
  openLogStreams.add(stream);
  // A full disk or a removed directory must not crash the service through an unhandled 'error'.
  stream.on('error', (err) => process.stderr.write(`bulk-users: cannot write the log file ${file}: ${err.message}\n`));
  return stream;
}

/**
 * JSON lines to the log file (for machines), and readable lines on stderr when a person is
 * watching. LOG_LEVEL sets both (default: info for the file, warn for stderr, so stderr
 * never fills up with routine lines next to plan output).
 */
export function createLogger(opts: { file?: string | false; level?: string; stderr?: boolean; name?: string; env?: NodeJS.ProcessEnv } = {}): Logger {
  const env = opts.env ?? process.env;
  const envLevel = logLevelFromEnv(env);
  const fileLevel = (opts.level ?? envLevel ?? 'info') as Level;
  const stderrLevel = (envLevel ?? 'warn') as Level;
  const streams: pino.StreamEntry[] = [];
  const file = opts.file === undefined ? defaultLogFile(env) : opts.file;
  const rotation = logRotationFromEnv(env);
  if (file) streams.push({ level: fileLevel as pino.Level, stream: rotatingFile(file, rotation) });
  if (opts.stderr) {
    const stream = process.stderr.isTTY
      ? pretty({ destination: 2, colorize: true, sync: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' })
      : pino.destination({ dest: 2, sync: true });
    streams.push({ level: stderrLevel as pino.Level, stream });
  }
  const lowest = [fileLevel, ...(opts.stderr ? [stderrLevel] : [])].sort((a, b) => LEVELS.indexOf(a) - LEVELS.indexOf(b))[0]!;
  const logger = pino(
    {
      name: opts.name ?? 'bulk-users',
      level: lowest,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      // "level":"ERROR" rather than 50, so the operator guide's `grep ERROR` finds errors.
      formatters: { level: (label) => ({ level: label.toUpperCase() }) },
    },
    streams.length ? pino.multistream(streams) : pino.destination({ dest: '/dev/null', sync: true }),
  );
  if (env.LOG_LEVEL?.trim() && !envLevel) logger.warn(`LOG_LEVEL="${env.LOG_LEVEL}" is not one of ${LEVELS.join(', ')}; using ${fileLevel}`);
  for (const p of rotation.problems) logger.warn(p);
  return logger;
}

/** A logger that discards everything (library use, tests that do not look at logs). */
export const silentLogger: Logger = pino({ level: 'silent' });
