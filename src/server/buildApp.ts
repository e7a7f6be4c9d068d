import rateLimit from '@fastify/rate-limit';
import { requestLogging } from '../log/requestLogging.ts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { OpenDatabase } from '../db/openDatabase.ts';
import { createValidatorCompiler } from '../http/createValidatorCompiler.ts';
import { HttpError } from '../http/HttpError.ts';
import { installErrorHandling } from '../http/installErrorHandling.ts';
import { REDACT_PATHS, silentLogger } from '../log/logger.ts';
import type { SyncTargetDriver } from '../targets/SyncTargetDriver.ts';
import { guard } from './auth/guards.ts';
import { isAuthDisabled, isAuthDisableIgnored } from './auth/isAuthDisabled.ts';
import { classifyServerError } from './classifyServerError.ts';
import { OperationTracker } from './OperationTracker.ts';
import { registerAuthRoutes } from './routes/registerAuthRoutes.ts';
import { registerConfigRoutes } from './routes/registerConfigRoutes.ts';
import { registerExportRoutes } from './routes/registerExportRoutes.ts';
import { registerHealthRoutes } from './routes/registerHealthRoutes.ts';
import { registerLifecycleRoutes } from './routes/registerLifecycleRoutes.ts';
import { registerPopulationRoutes } from './routes/registerPopulationRoutes.ts';
import { registerRunRoutes } from './routes/registerRunRoutes.ts';
import { registerStatsRoutes } from './routes/registerStatsRoutes.ts';
import { registerSyncRoutes } from './routes/registerSyncRoutes.ts';
import type { ServerContext } from './ServerContext.ts';

export interface AppOptions {
  database: OpenDatabase;
  /** Encrypts the passwords of API-created populations (loadServerSecretKey). */
  secretKey: Buffer;
  /** Spec directory, as `--specs` (default "specs"). */
  specsDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Request and error log; default JSON lines on stdout, `false` for none. Secrets are redacted either way. */
  logger?: Logger | false;
  version?: string;
  /** Base of relative file-target paths (default: the working directory). */
  baseDir?: string;
  /** Bearer token lifetime (default BULK_USERS_SESSION_TTL seconds, else 3600). */
  sessionTtlSeconds?: number;
  /** Login attempts per client address (default 10 per minute). */
  loginRateLimit?: { max: number; timeWindowMs: number };
  /** How long create and sync wait for another applying reconciler (default 30 s). */
  lockTimeoutMs?: number;
  /** Shared with startServer, whose graceful shutdown waits for the operations it tracks. */
  operations?: OperationTracker;
  /** The clock (tests move it to expire tokens). */
  now?: () => Date;
  /** Sync target drivers to use instead of building them from the specs (tests). */
  drivers?: ReadonlyMap<string, SyncTargetDriver>;
  /** Continuous reconciliation of this replica (startServer with a schedule or --watch). */
  controller?: ServerContext['controller'];
}

/** 1 MiB: a create request or a YAML document to validate is a few kilobytes. */
const BODY_LIMIT = 1024 * 1024;

/** Secrets of this service's own payloads, on top of the project-wide list. */
const SERVER_REDACT_PATHS = [...REDACT_PATHS, 'body.password', 'req.body.password', 'config.password', '*.config.password', 'body.config.password'];

/**
 * The HTTP API of `bulk-users serve` (DESIGN §8), ready for `inject()` or `listen()`; it
 * never listens by itself. Every route is a thin shell over the core: validation is
 * buildDesiredState, applying is reconcile(). The database handle stays the caller's.
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const env = opts.env ?? process.env;
  const redact = { paths: SERVER_REDACT_PATHS, censor: '[redacted]' };
  const loggerInstance = opts.logger === false ? undefined : (opts.logger ?? pino({ name: 'bulk-users-server' })).child({ component: 'server' }, { redact });
  const ctx: ServerContext = {
    database: opts.database,
    secretKey: opts.secretKey,
    specsDir: opts.specsDir ?? 'specs',
    env,
    version: opts.version ?? 'unknown',
    baseDir: opts.baseDir ?? process.cwd(),
    sessionTtlMs: (opts.sessionTtlSeconds ?? sessionTtlFromEnv(env)) * 1000,
    lockTimeoutMs: opts.lockTimeoutMs ?? 30_000,
    loginRateLimit: opts.loginRateLimit ?? { max: 10, timeWindowMs: 60_000 },
    operations: opts.operations ?? new OperationTracker(),
    now: opts.now ?? (() => new Date()),
    logger: loggerInstance ?? silentLogger,
    ...(opts.drivers ? { drivers: opts.drivers } : {}),
    ...(opts.controller ? { controller: opts.controller } : {}),
  };

  const app = Fastify({ ...(loggerInstance ? { loggerInstance } : { logger: false }), ...requestLogging(), bodyLimit: BODY_LIMIT }) as unknown as FastifyInstance;
  if (isAuthDisabled(env)) ctx.logger.warn('DISABLE_AUTH=true: the API serves every request without authentication; never do this in production');
  if (isAuthDisableIgnored(env)) ctx.logger.warn('DISABLE_AUTH=true is ignored because NODE_ENV=production: authentication stays on');

  // JSON bodies only: any other Content-Type is a clear 415.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(createValidatorCompiler());
  installErrorHandling(app, {
    service: 'bulk-users',
    bodyTooLargeMessage: `the request body is larger than ${BODY_LIMIT / 1024 / 1024} MiB`,
    classify: classifyServerError,
  });

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new HttpError(429, 'rate_limited', `too many attempts; try again in ${context.after}`),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'bulk-users API', version: ctx.version, description: 'Declarative test-user populations over HTTP (DESIGN §8). Errors are {error, message}.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'From `bulk-users api-key create --name NAME`.' },
          bearer: { type: 'http', scheme: 'bearer', description: 'From POST /api/auth/login.' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerHealthRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  await app.register(async (admin) => {
    admin.addHook('onRequest', guard(ctx, 'admin'));
    registerPopulationRoutes(admin, ctx);
    registerStatsRoutes(admin, ctx);
    registerConfigRoutes(admin, ctx);
    registerSyncRoutes(admin, ctx);
    registerExportRoutes(admin, ctx);
    registerRunRoutes(admin, ctx);
    registerLifecycleRoutes(admin, ctx);
  });

  await app.ready();
  return app;
}

function sessionTtlFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.BULK_USERS_SESSION_TTL;
  const n = raw === undefined || raw === '' ? 3600 : Number(raw);
  if (!Number.isInteger(n) || n < 60 || n > 30 * 86400) throw new Error(`BULK_USERS_SESSION_TTL must be a number of seconds from 60 to 2592000 (got "${raw}")`);
  return n;
}
