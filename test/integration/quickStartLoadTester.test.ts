import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/server/auth/createApiKey.ts';
import { buildApp } from '../../src/server/buildApp.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { useDatabasesWithLoadTester } from '../support/loadTesterFixture.ts';

const WRITE = randomBytes(32).toString('base64url');
const READ = randomBytes(32).toString('base64url');

const fx = useDatabasesWithLoadTester({ LOADTESTER_ENCRYPTION_KEY: randomBytes(32).toString('base64'), LOADTESTER_TOKEN: WRITE, LOADTESTER_READ_TOKEN: READ });
let app: FastifyInstance;
let api: string;
let apiKey: string;

beforeAll(async () => {
  // The shipped specs/, with the Load Tester's URL and token from the environment as the guide's setup has them.
  app = await buildApp({
    database: fx.db.database,
    secretKey: randomBytes(32),
    specsDir: path.join(PROJECT_ROOT, 'specs'),
    env: { LOADTESTER_URL: fx.lt.url, LOADTESTER_TOKEN: WRITE },
    logger: false,
    baseDir: mkdtempSync(path.join(tmpdir(), 'bu-qs-out-')),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  api = `http://127.0.0.1:${address.port}`;
  apiKey = (await createApiKey(fx.db.database.db, 'quick-start')).token;
});

afterAll(async () => {
  await app?.close();
});

describe("the guide's sync command on the quick-start specs", () => {
  it('POST /api/bulk-users/sync {"target": "load_tester"} fills the Load Tester, and a load tool exports with the read-only token', async () => {
    const res = await fetch(`${api}/api/bulk-users/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ target: 'load_tester' }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(JSON.stringify(body)).not.toMatch(/error/i);

    const stats = await fetch(`${fx.lt.url}/api/users/stats`);
    expect(await stats.json()).toEqual({ total: 1250, populations: { 'checkout-load': 1000, 'search-browse': 250 } });

    const csv = await fetch(`${fx.lt.url}/api/users/export?format=artillery-csv&population=search-browse`, { headers: { authorization: `Bearer ${READ}` } });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines).toHaveLength(250);
    expect(lines[0]).toBe('search_bot_1,change-me-in-a-real-spec');
  });
});
