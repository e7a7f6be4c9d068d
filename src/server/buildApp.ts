import { installLoopbackHostCheck } from '../http/installLoopbackHostCheck.ts';
import { isLoopbackHost } from '../http/loopback.ts';
import { requestLogging } from '../log/requestLogging.ts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { OpenDatabase } from '../db/openDatabase.ts';
import { createValidatorCompiler } from '../http/createValidatorCompiler.ts';
import { installErrorHandling } from '../http/installErrorHandling.ts';
import { REDACT_PATHS, silentLogger } from '../log/logger.ts';
import { registerServerMetrics } from '../metrics/registerServerMetrics.ts';
import { registerAdminPage } from '../admin/registerAdminPage.ts';
import type { SyncTargetDriver } from '../targets/SyncTargetDriver.ts';
import { guard } from './auth/guards.ts';
import { AUTH_DISABLED_NOTICE, decideAuthDisabled } from './auth/authMode.ts';
import { loginProtectionFromEnv, type LoginProtection } from './auth/loginProtection.ts';
import { sessionPolicyFromEnv, type SessionPolicy } from './auth/sessionPolicy.ts';
import { apiCreateCapsFromEnv } from '../reconcile/apiCreateCaps.ts';
import { apiEnvPrefixes } from '../reconcile/apiPasswordVariables.ts';
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
  /** The file target directory (default: ReconcilerConfig fileTargetDir beside the specs). */
  baseDir?: string;
  /** Bearer token lifetimes (default from BULK_USERS_SESSION_TTL and BULK_USERS_TEST_USER_SESSION_TTL). */
  sessions?: SessionPolicy;
  /** Failed-login limits (default from BULK_USERS_LOGIN_MAX_FAILURES, ..._PER_ADDRESS, BULK_USERS_LOGIN_LOCKOUT). */
  loginProtection?: LoginProtection;
  /**
   * The address the app will listen on (startServer's host). DISABLE_AUTH is honoured only
   * when it is loopback; without it, DISABLE_AUTH=true refuses to build.
   */
  listenHost?: string;
  /** Where the DISABLE_AUTH notice goes at start besides the log (default: standard error). */
  announce?: (line: string) => void;
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
  /** GET /metrics without a credential (serve --metrics-public; default BULK_USERS_METRICS_PUBLIC=true). */
  metricsPublic?: boolean;
}

/** 1 MiB: a create request or a YAML document to validate is a few kilobytes. */
const BODY_LIMIT = 1024 * 1024;

/** Secrets of this service's own payloads, on top of the project-wide list. */
const SERVER_REDACT_PATHS = [...REDACT_PATHS, 'body.password', 'req.body.password', 'config.password', '*.config.password', 'body.config.password'];

/**
 * The HTTP API of `bulk-users serve` (docs/http-api.md), ready for `inject()` or `listen()`; it
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
    ...(opts.baseDir !== undefined ? { baseDir: opts.baseDir } : {}),
    sessions: opts.sessions ?? sessionPolicyFromEnv(env),
    lockTimeoutMs: opts.lockTimeoutMs ?? 30_000,
    loginProtection: opts.loginProtection ?? loginProtectionFromEnv(env),
    authDisabled: decideAuthDisabled(env, opts.listenHost),
    operations: opts.operations ?? new OperationTracker(),
    now: opts.now ?? (() => new Date()),
    logger: loggerInstance ?? silentLogger,
    ...(opts.drivers ? { drivers: opts.drivers } : {}),
    ...(opts.controller ? { controller: opts.controller } : {}),
  };

  // Settings read where they are used, checked here too so a bad one stops the start, not a later request.
  apiCreateCapsFromEnv(env);
  apiEnvPrefixes(env);

  const app = Fastify({ ...(loggerInstance ? { loggerInstance } : { logger: false }), ...requestLogging(), bodyLimit: BODY_LIMIT }) as unknown as FastifyInstance;
  // Listening on loopback (the default) means "this machine only": a rebound DNS name in a
  // local browser is refused too (with DISABLE_AUTH the API would otherwise be open to it).
  if (opts.listenHost !== undefined && isLoopbackHost(opts.listenHost)) installLoopbackHostCheck(app, 'to serve other machines, start serve with --host and put TLS in front of it');
  if (ctx.authDisabled) {
    // On standard error whatever the logger does (without a terminal it writes only the log file).
    (opts.announce ?? ((line: string) => process.stderr.write(`${line}\n`)))(AUTH_DISABLED_NOTICE);
    ctx.logger.warn(AUTH_DISABLED_NOTICE);
  }

  // JSON bodies only: any other Content-Type is a clear 415.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(createValidatorCompiler());
  installErrorHandling(app, {
    service: 'bulk-users',
    bodyTooLargeMessage: `the request body is larger than ${BODY_LIMIT / 1024 / 1024} MiB`,
    classify: classifyServerError,
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'bulk-users API', version: ctx.version, description: 'Declarative test-user populations over HTTP (the endpoints operators of the original bulk-user tool use, over the reconciler). Errors are {error, message}.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'From `bulk-users api-key create --name NAME`.' },
          bearer: { type: 'http', scheme: 'bearer', description: 'From POST /api/auth/login.' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerServerMetrics(app, ctx, { public: opts.metricsPublic ?? env.BULK_USERS_METRICS_PUBLIC === 'true' });

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
  await registerAdminPage(app, ctx);

  await app.ready();
  return app;
}
