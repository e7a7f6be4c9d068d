import path from 'node:path';

/** The embedded PostgreSQL's data directory, and the key files' home: BULK_USERS_DATA_DIR, else ./.data. */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.BULK_USERS_DATA_DIR ?? '.data');
}
