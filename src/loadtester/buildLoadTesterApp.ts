import Fastify, { type FastifyInstance } from 'fastify';
import { requestLogging } from '../log/requestLogging.ts';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import pino, { type Logger } from 'pino';
import { REDACT_PATHS } from '../log/logger.ts';
import { assertStorableRecords, assertStorableUsernames } from './assertStorableRecords.ts';
import { computeHealth } from '../http/computeHealth.ts';
import { credentialStats } from './credentialStats.ts';
import { createValidatorCompiler } from '../http/createValidatorCompiler.ts';
import { deleteCredentials } from './deleteCredentials.ts';
import { digestAllPopulations, digestPopulation } from './computeDigests.ts';
import { EXPORT_CONTENT_TYPES, exportCredentials } from './exportCredentials.ts';
import { HttpError } from '../http/HttpError.ts';
import { installErrorHandling } from '../http/installErrorHandling.ts';
import { installTokenAuth } from './installTokenAuth.ts';
import { listBuckets } from './listBuckets.ts';
import { registerLoadTesterMetrics } from '../metrics/registerLoadTesterMetrics.ts';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';
import type { LoadTesterTokens } from './loadTesterTokens.ts';
import {
  bucketQuery,
  deleteBody,
  digestQuery,
  exportQuery,
  noQuery,
  upsertBody,
  MAX_LISTED_BUCKETS,
  type BucketQuery,
  type DeleteBody,
  type DigestQuery,
  type ExportQuery,
  type UpsertBody,
} from './routeSchemas.ts';
import { upsertCredentials } from './upsertCredentials.ts';
import { withSharedFields } from './withSharedFields.ts';
import { assertStorableRuns, runsOfBody } from './credentialRuns.ts';
import { StageClock } from '../metrics/stageTimes.ts';
import { verifyPopulationSummary } from './populationSummary.ts';

export interface LoadTesterAppOptions {
  db: Kysely<LoadTesterDatabase>;
  /**
   * The pool under `db`, for COPY (which Kysely cannot drive): batches of new records are
   * written with it (upsertCredentials). Without it every batch takes the upsert statement.
   */
  pool?: pg.Pool;
  /** AES-256-GCM key of the stored passwords (secretBox.loadSecretKey). */
  secretKey: Buffer;
  /** Request and error log; default JSON lines on stdout, `false` for none. Passwords are redacted either way. */
  logger?: Logger | false;
  /** Reported by /api/health. */
  version?: string;
  /** Every route but health and stats requires one of these (installTokenAuth). */
  tokens: LoadTesterTokens;
  /**
   * Answer only requests whose Host header is a loopback name (default true): right for a
   * loopback bind, where anything else is DNS rebinding. A service exposed on purpose
   * (non-loopback bind, explicit token) is reached under names this one cannot know.
   */
  loopbackOnly?: boolean;
}

/**
 * 10,000 records with generous attributes fit; anything larger is refused before parsing
 * (413) instead of being buffered.
 */
const BODY_LIMIT = 20 * 1024 * 1024;

/** Password-bearing paths of this service's own payloads, on top of the project-wide list. */
const LOADTESTER_REDACT_PATHS = [...REDACT_PATHS, 'users[*].password', '*.users[*].password', 'body.users[*].password', 'req.body.users[*].password'];

/**
 * The Load Tester's HTTP API (docs/load-tester-protocol.md), ready for `inject()` or
 * `listen()`; it never listens by itself, so tests and startLoadTester decide where.
 * The database handle stays the caller's: closing the app does not destroy it.
 */
export async function buildLoadTesterApp(opts: LoadTesterAppOptions): Promise<FastifyInstance> {
  const { db, secretKey } = opts;
  const version = opts.version ?? 'unknown';
  const redact = { paths: LOADTESTER_REDACT_PATHS, censor: '[redacted]' };
  // A child with its own redaction, so even a caller's logger configured without it
  // cannot print a password.
  const loggerInstance =
    opts.logger === false ? undefined : (opts.logger ?? pino({ name: 'bulk-users-loadtester' })).child({ component: 'loadtester' }, { redact });

  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    ...requestLogging(),
    bodyLimit: BODY_LIMIT,
  }) as unknown as FastifyInstance;
  // Bodies are JSON only (the protocol); without Fastify's default text/plain parser any
  // other Content-Type is a clear 415 instead of a confusing "must be an object".
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(createValidatorCompiler());
  installErrorHandling(app, {
    service: 'the Load Tester',
    bodyTooLargeMessage: 'the request body is larger than the Load Tester accepts; send at most 10,000 records per request',
  });
  installTokenAuth(app, opts.tokens, { loopbackOnly: opts.loopbackOnly ?? true });

  registerLoadTesterMetrics(app, db);

  app.get('/api/health', { schema: { querystring: noQuery } }, async (_request, reply) => {
    const health = await computeHealth(db, version);
    return reply.code(health.database === 'ok' ? 200 : 503).send(health);
  });

  app.get('/api/users/stats', { schema: { querystring: noQuery } }, async () => credentialStats(db));

  // Each upsert answers with its own stage times (Server-Timing), so a client can tell
  // where a sync's time goes on this side: receiving and parsing the body, validating
  // it, encrypting, the statement.
  const clocks = new WeakMap<object, StageClock>();
  app.post<{ Body: UpsertBody }>(
    '/api/users/bulk-upsert',
    {
      schema: { body: upsertBody, querystring: noQuery },
      onRequest: async (request) => {
        clocks.set(request, new StageClock());
      },
      preValidation: async (request) => clocks.get(request)?.lap('decode'),
      preHandler: async (request) => clocks.get(request)?.lap('validate'),
    },
    async (request, reply) => {
      const clock = clocks.get(request) ?? new StageClock();
      const users = withSharedFields(request.body);
      const runs = runsOfBody(request.body);
      if (users.length === 0 && !runs) throw new HttpError(400, 'invalid_request', 'the body needs "users" (records) or "runs" (records named by a pattern)');
      assertStorableRecords(users);
      if (runs) assertStorableRuns(runs, users);
      clock.lap('check');
      const counts = await upsertCredentials(db, secretKey, users, clock, opts.pool, runs);
      void reply.header('server-timing', clock.serverTiming());
      return counts;
    },
  );

  app.post<{ Body: DeleteBody }>('/api/users/bulk-delete', { schema: { body: deleteBody, querystring: noQuery } }, async (request) => {
    assertStorableUsernames(request.body.usernames);
    return deleteCredentials(db, request.body.usernames);
  });

  app.get<{ Querystring: DigestQuery }>('/api/users/digest', { schema: { querystring: digestQuery } }, async (request) => {
    const { population, buckets } = request.query;
    if (population === undefined) {
      if (buckets !== undefined) throw new HttpError(400, 'invalid_request', 'query parameter "buckets" needs "population": buckets split one population');
      return { populations: await digestAllPopulations(db) };
    }
    return digestPopulation(db, population, buckets);
  });

  // A full scan: for operators and start-up, not for every reconcile (see verifyPopulationSummary).
  app.post('/api/users/digest/verify', { schema: { querystring: noQuery } }, async () => verifyPopulationSummary(db));

  app.get<{ Querystring: BucketQuery }>('/api/users/bucket', { schema: { querystring: bucketQuery } }, async (request) => {
    const { population, buckets, bucket } = request.query;
    const list = bucket.split(',').map(Number);
    if (list.length > MAX_LISTED_BUCKETS) throw new HttpError(400, 'invalid_request', `query parameter "bucket" names ${list.length} buckets; at most ${MAX_LISTED_BUCKETS} in one listing`);
    const outside = list.find((b) => b >= buckets);
    if (outside !== undefined) throw new HttpError(400, 'invalid_request', `query parameter "bucket" must be from 0 to ${buckets - 1} when buckets=${buckets} (got ${outside})`);
    return { users: await listBuckets(db, population, buckets, list) };
  });

  app.get<{ Querystring: ExportQuery }>('/api/users/export', { schema: { querystring: exportQuery } }, async (request, reply) => {
    const { format, population, slice, slices } = request.query;
    if ((slice === undefined) !== (slices === undefined)) {
      throw new HttpError(400, 'invalid_request', 'query parameters "slice" and "slices" go together: slice=I&slices=N with 0 <= I < N');
    }
    if (slice !== undefined && slices !== undefined && slice >= slices) {
      throw new HttpError(400, 'invalid_request', `query parameter "slice" must be from 0 to ${slices - 1} when slices=${slices}`);
    }
    const filter = { ...(population !== undefined ? { population } : {}), ...(slices !== undefined ? { slice, slices } : {}) };
    return (
      reply
        .type(EXPORT_CONTENT_TYPES[format])
        // Plaintext credentials: no proxy or browser cache may keep a copy.
        .header('cache-control', 'no-store')
        .send(exportCredentials(db, secretKey, format, filter))
    );
  });

  await app.ready();
  return app;
}

