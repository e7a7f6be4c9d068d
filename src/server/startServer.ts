import os from 'node:os';
import pino, { type Logger } from 'pino';
import { decryptSecret, SecretKeyError } from '../crypto/secretBox.ts';
import { loadServerSecretKey, SERVER_KEY_SOURCE } from '../crypto/serverSecretKey.ts';
import { openDatabase } from '../db/openDatabase.ts';
import { DEFAULT_HOST, listen, portFromEnv, type Listening } from '../http/listen.ts';
import { packageVersion } from '../http/packageVersion.ts';
import { silentLogger } from '../log/logger.ts';
import { ReconcileController, type ControllerOptions } from '../reconcile/ReconcileController.ts';
import { decideAuthDisabled } from './auth/authMode.ts';
import { buildApp } from './buildApp.ts';
import { OperationTracker } from './OperationTracker.ts';

export interface StartServerOptions {
  /** Default BULK_USERS_PORT, else 5000; 0 picks a free port (tests). */
  port?: number;
  /** Default 127.0.0.1: the API is served to this machine unless asked otherwise. */
  host?: string;
  specsDir?: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger | false;
  /** How long a shutdown lets running operations finish before stopping them at a batch boundary (default 25 s). */
  shutdownGraceMs?: number;
  /** Scheduled and spec-watching reconciliation with leader election (serve --schedule/--watch); none: the API only. */
  continuous?: ContinuousOptions;
  /** GET /metrics without a credential (serve --metrics-public). */
  metricsPublic?: boolean;
}

export type ContinuousOptions = Pick<ControllerOptions, 'schedule' | 'timezone' | 'jitterMs' | 'watch' | 'watchDebounceMs' | 'leaderRetryMs' | 'lockTimeoutMs' | 'backoff'> & {
  /** Names this replica (default host:pid). */
  identity?: string;
};

/** close(): stops accepting, lets running operations finish (bounded), closes the database. */
export type RunningServer = Listening;

export const DEFAULT_PORT = 5000;
/** Requests still open this long after the operations ended (a stalled export) are cut. */
const CONNECTION_GRACE_MS = 10_000;

/** Runs `bulk-users serve`: database (migrated), encryption key, app, listen. */
export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const env = opts.env ?? process.env;
  const port = opts.port ?? portFromEnv(env, 'BULK_USERS_PORT', DEFAULT_PORT);
  const host = opts.host ?? DEFAULT_HOST;
  // Before anything is opened: a refused DISABLE_AUTH is a setting to fix, not a half-started server.
  decideAuthDisabled(env, host);
  const secretKey = await loadServerSecretKey(env);
  const database = await openDatabase({ env, poolSize: 10 });
  try {
    await assertKeyOpensStoredData(database.db, secretKey);
    const operations = new OperationTracker();
    const continuous = opts.continuous && (opts.continuous.schedule || opts.continuous.watch) ? opts.continuous : undefined;
    const controller = continuous
      ? new ReconcileController({
          ...continuous,
          identity: continuous.identity ?? `${os.hostname()}:${process.pid}`,
          database,
          specsDir: opts.specsDir ?? 'specs',
          env,
          secretKey,
          logger: opts.logger === false ? silentLogger : (opts.logger ?? pino({ name: 'bulk-users-server' })).child({ component: 'controller' }),
        })
      : undefined;
    const app = await buildApp({
      ...(controller ? { controller } : {}),
      database,
      secretKey,
      env,
      operations,
      listenHost: host,
      version: await packageVersion(),
      ...(opts.specsDir !== undefined ? { specsDir: opts.specsDir } : {}),
      ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
      ...(opts.metricsPublic !== undefined ? { metricsPublic: opts.metricsPublic } : {}),
    });
    const server = await listen(app, { port, host }, {
      graceMs: CONNECTION_GRACE_MS,
      // Requests in flight (and the operations they run) go on. The controller starts no
      // new run, stops its current one at a batch boundary and gives up the leadership,
      // so another replica takes over at once.
      drain: () => Promise.all([controller?.stop(), operations.shutdown(opts.shutdownGraceMs ?? 25_000)]),
      release: () => database.close(),
    });
    try {
      await controller?.start();
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** A key that does not open the stored passwords is refused at start, not at the next create. */
async function assertKeyOpensStoredData(db: Awaited<ReturnType<typeof openDatabase>>['db'], key: Buffer): Promise<void> {
  const sample = await db.selectFrom('bulk_api_populations').select(['name', 'password_enc']).where('password_enc', 'is not', null).limit(1).executeTakeFirst();
  if (!sample?.password_enc) return;
  try {
    decryptSecret(key, sample.name, sample.password_enc, SERVER_KEY_SOURCE, `the stored password of population "${sample.name}"`);
  } catch (err) {
    throw new SecretKeyError(`the encryption key does not open the passwords of API-created populations (${err instanceof Error ? err.message : String(err)}); start with the key they were stored with`);
  }
}
