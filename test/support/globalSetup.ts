import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureEmbeddedPostgres } from '../../src/db/embeddedPostgres.ts';

/**
 * One PostgreSQL for the whole run: DATABASE_URL when given (an external server), else
 * the embedded one. Each test file then creates a database of its own on it.
 */
export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? (await ensureEmbeddedPostgres(path.resolve(process.env.BULK_USERS_DATA_DIR ?? '.data'))).url;
  project.provide('adminDatabaseUrl', url);
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}
