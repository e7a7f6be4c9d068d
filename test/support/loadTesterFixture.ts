import { afterAll, beforeAll } from 'vitest';
import { startLoadTester, type RunningLoadTester } from '../../src/loadtester/startLoadTester.ts';
import { createTestDatabase, type TestDatabase } from './testDatabase.ts';

export interface DatabasesWithLoadTester {
  /** The reconciler's database (users and the reconciler's tables). */
  db: TestDatabase;
  /** The Load Tester's database. */
  ltDb: TestDatabase;
  /** A Load Tester on loopback, on a free port, over ltDb. */
  lt: RunningLoadTester;
}

/**
 * The two databases and the Load Tester a sync test needs, made before the tests of the
 * file or describe block that calls this and stopped and dropped after them. Read the
 * fields inside hooks and tests: they are set once its beforeAll has run. `env` adds to
 * (or replaces) the Load Tester's: a token, a key.
 */
export function useDatabasesWithLoadTester(env: NodeJS.ProcessEnv = {}): DatabasesWithLoadTester {
  const handle = {} as DatabasesWithLoadTester;
  beforeAll(async () => {
    handle.db = await createTestDatabase();
    handle.ltDb = await createTestDatabase();
    handle.lt = await startLoadTester({
      port: 0,
      env: { LOADTESTER_DATABASE_URL: handle.ltDb.url, LOADTESTER_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), ...env },
      logger: false,
    });
  });
  afterAll(async () => {
    await handle.lt?.close();
    await handle.db?.drop();
    await handle.ltDb?.drop();
  });
  return handle;
}
