import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { embeddedPostgresState, ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../../src/db/embeddedPostgres.ts';

/**
 * One PostgreSQL for the whole run: TEST_DATABASE_URL when given (an external server),
 * else the embedded one. Each test file then creates a database of its own on it. An
 * embedded server this run started is stopped when the run ends; one that was already
 * running (a developer's, or a concurrent run's) is left as it was.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('adminDatabaseUrl', process.env.TEST_DATABASE_URL);
    return async () => {};
  }
  const dataDir = path.resolve(process.env.BULK_USERS_DATA_DIR ?? '.data');
  const wasRunning = (await embeddedPostgresState(dataDir)).running;
  project.provide('adminDatabaseUrl', (await ensureEmbeddedPostgres(dataDir)).url);
  return async () => {
    if (!wasRunning) await stopEmbeddedPostgres(dataDir);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}
