import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { redactUrl, resolveDatabaseUrl } from '../db/openDatabase.ts';
import { packageVersion } from '../http/packageVersion.ts';
import { DEFAULT_HOST, listen, portFromEnv, type Listening } from '../http/listen.ts';
import { buildLoadTesterApp } from './buildLoadTesterApp.ts';
import type { LoadTesterDatabase } from './loadTesterSchema.ts';
import { migrateLoadTester } from './migrateLoadTester.ts';
import { verifyPopulationSummary } from './populationSummary.ts';
import { SecretKeyError } from '../crypto/secretBox.ts';
import { OperatorError } from '../errors.ts';
import { isLoopbackHost } from '../http/loopback.ts';
import { hasExplicitWriteToken, READ_TOKEN_ENV, resolveLoadTesterTokens, WRITE_TOKEN_ENV } from './loadTesterTokens.ts';
import { decryptPassword, loadSecretKey } from './secretBox.ts';

export interface StartLoadTesterOptions {
  /** Default LOADTESTER_PORT, else 8080; 0 picks a free port (tests). */
  port?: number;
  /** Default 127.0.0.1: credentials are served only to this machine unless asked otherwise. */
  host?: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger | false;
}

/** close(): stops accepting requests, lets running ones finish (bounded), then closes the database pool. */
export interface RunningLoadTester extends Listening {
  /** Where the tokens come from, to tell the operator (never the tokens themselves). */
  auth: { writeFrom: string; readFrom?: string };
}

export const DEFAULT_PORT = 8080;
/** Long exports to a stalled client must not hold a shutdown forever. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Runs the Load Tester: refuses a non-loopback address without LOADTESTER_TOKEN, picks
 * its database (LOADTESTER_DATABASE_URL, else DATABASE_URL, else the embedded PostgreSQL),
 * migrates the `loadtester` schema, loads the encryption key and the tokens, and listens.
 */
export async function startLoadTester(opts: StartLoadTesterOptions = {}): Promise<RunningLoadTester> {
  const env = opts.env ?? process.env;
  const port = opts.port ?? portFromEnv(env, 'LOADTESTER_PORT', DEFAULT_PORT);
  const host = opts.host ?? DEFAULT_HOST;
  const loopback = isLoopbackHost(host);
  // Before anything is opened: exposing the service with a token nobody chose (a file
  // on this machine) would leave remote clients no sane way to authenticate, and an
  // exposed service must never run with less than an operator's deliberate secret.
  if (!loopback && !hasExplicitWriteToken(env)) {
    throw new OperatorError(
      `refusing to listen on ${host} without ${WRITE_TOKEN_ENV}: that address serves other machines, and every record holds a plaintext password. ` +
        `Set ${WRITE_TOKEN_ENV} (and ${READ_TOKEN_ENV} for load tools) to long random values, put a TLS-terminating reverse proxy in front ` +
        '(docs/load-tester-protocol.md, "Exposing the Load Tester"), or keep the default --host 127.0.0.1',
      'loadtester_exposed',
    );
  }
  const auth = await resolveLoadTesterTokens(env);

  const url = env.LOADTESTER_DATABASE_URL || (await resolveDatabaseUrl(env)).url;
  const secretKey = await loadSecretKey(env);

  // Sized for a few concurrent exports (each holds a connection for its whole stream)
  // next to the reconciler's writes. connectionTimeoutMillis turns "database down" into
  // a prompt 503 instead of requests that hang.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000, application_name: 'bulk-users-loadtester' });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = new Kysely<LoadTesterDatabase>({ dialect: new PostgresDialect({ pool }) });

  try {
    try {
      await migrateLoadTester(db);
    } catch (err) {
      throw new Error(`cannot use database ${redactUrl(url)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    await assertKeyOpensStoredData(db, secretKey);
    // Repairs the per-population digests if writes bypassed their triggers while the service
    // was down (a data-only restore with triggers disabled, say). One scan of the credentials.
    await verifyPopulationSummary(db);
    const app = await buildLoadTesterApp({
      db,
      pool,
      secretKey,
      tokens: auth.tokens,
      loopbackOnly: loopback,
      version: await packageVersion(),
      ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
    });
    const listening = await listen(app, { port, host }, { graceMs: CLOSE_GRACE_MS, release: () => db.destroy() });
    return { ...listening, auth: { writeFrom: auth.writeFrom, ...(auth.tokens.read !== undefined ? { readFrom: READ_TOKEN_ENV } : {}) } };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/**
 * Refuses to start with a key that does not open what is already stored (a new key file
 * after the old one was lost, a different LOADTESTER_ENCRYPTION_KEY): failing at start is
 * clearer than accepting writes and failing every export later.
 */
async function assertKeyOpensStoredData(db: Kysely<LoadTesterDatabase>, key: Buffer): Promise<void> {
  const { rows } = await sql<{ username: string; population: string; password_enc: string }>`
    SELECT username, population, password_enc FROM loadtester.credentials LIMIT 1`.execute(db);
  const sample = rows[0];
  if (!sample) return;
  try {
    decryptPassword(key, sample);
  } catch (err) {
    throw new SecretKeyError(
      `the encryption key does not open the credentials already stored in schema loadtester (${err instanceof Error ? err.message : String(err)}); ` +
        'start with the key they were stored with, or delete them to start over',
    );
  }
}
