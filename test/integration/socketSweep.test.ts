/**
 * The malformed-input sweep and the auth matrix over a real socket, for both services
 * (bulk-users serve and the Load Tester), as clients reach them: fetch for generated JSON
 * bodies and query strings on every route, raw TCP (net.Socket) for broken HTTP framing.
 * Never a 5xx, and a refused request writes nothing: every table is checksummed before and
 * after it. Headers are per request (see loadTesterAuth for the Load Tester's token).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoadTester, type RunningLoadTester } from '../../src/loadtester/startLoadTester.ts';
import { createApiKey } from '../../src/server/auth/createApiKey.ts';
import { startServer } from '../../src/server/startServer.ts';
import { cli, populationYaml } from '../support/cli.ts';
import { brokenFramings, loadTesterAuth, rawExchange, send, type Headers } from '../support/rawHttp.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

/** Generated bodies per route; the whole file stays within about a minute. */
const BODIES_PER_ROUTE = 15;

let mainDb: TestDatabase;
let ltDb: TestDatabase;
let server: Awaited<ReturnType<typeof startServer>>;
let lt: RunningLoadTester;
let apiKey: Headers;
const lta = loadTesterAuth();

interface Route {
  method: string;
  path: string;
  /** Property names of its JSON body, when it takes one. */
  bodyKeys: string[];
  queryKeys: string[];
  secured: boolean;
}
let mainRoutes: Route[] = [];

const LT_ROUTES: Route[] = [
  { method: 'POST', path: '/api/users/bulk-upsert', bodyKeys: ['users', 'username', 'password', 'email', 'population', 'content_hash', 'attributes'], queryKeys: [], secured: true },
  { method: 'POST', path: '/api/users/bulk-delete', bodyKeys: ['usernames'], queryKeys: [], secured: true },
  { method: 'GET', path: '/api/users/digest', bodyKeys: [], queryKeys: ['population', 'buckets'], secured: true },
  { method: 'GET', path: '/api/users/bucket', bodyKeys: [], queryKeys: ['population', 'buckets', 'bucket'], secured: true },
  { method: 'GET', path: '/api/users/export', bodyKeys: [], queryKeys: ['format', 'population', 'slice', 'slices'], secured: true },
  { method: 'GET', path: '/api/users/stats', bodyKeys: [], queryKeys: [], secured: false },
  { method: 'GET', path: '/api/health', bodyKeys: [], queryKeys: [], secured: false },
];

/** Every table of a database (public and loadtester schemas) as one checksum; API-key usage stamps excluded. */
async function checksum(db: TestDatabase): Promise<string> {
  const tables = await db.query<{ t: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS t FROM information_schema.tables
     WHERE table_schema IN ('public', 'loadtester') AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const parts: string[] = [];
  for (const { t } of tables) {
    const row = t === 'public.bulk_api_keys' ? `(to_jsonb(x) - 'last_used_at')::text` : 'x::text';
    const [r] = await db.query<{ h: string }>(`SELECT ${'$$'}${t}${'$$'} || ':' || count(*) || ':' || coalesce(md5(string_agg(${row}, '|' ORDER BY ${row})), '') AS h FROM ${t} x`);
    parts.push(r!.h);
  }
  return parts.join('\n');
}

beforeAll(async () => {
  mainDb = await createTestDatabase();
  ltDb = await createTestDatabase();
  const specsDir = mkdtempSync(path.join(tmpdir(), 'bu-sweep-specs-'));
  writeFileSync(path.join(specsDir, 'p.yaml'), populationYaml('sweep', { count: 3, ttl: '7d' }));
  const rec = await cli(['reconcile', '--specs', specsDir, '--yes'], { databaseUrl: mainDb.url });
  expect(rec.code, rec.stderr).toBe(0);
  apiKey = { 'x-api-key': (await createApiKey(mainDb.database.db, 'sweep')).token };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bu-sweep-data-'));
  server = await startServer({
    port: 0,
    specsDir,
    env: { DATABASE_URL: mainDb.url, BULK_USERS_SECRET_KEY: randomBytes(32).toString('base64'), BULK_USERS_DATA_DIR: dataDir, BU_TEST_PASSWORD: 'pw-for-tests' },
    logger: false,
  });
  lt = await startLoadTester({ port: 0, env: { LOADTESTER_DATABASE_URL: ltDb.url, LOADTESTER_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'), ...lta.env }, logger: false });
  const seeded = await send(lt.url, 'POST', '/api/users/bulk-upsert', lta.headers, JSON.stringify({ users: [{ username: 'seed_1', password: 'p', email: 'e@x', population: 'seed', content_hash: 'h', attributes: {} }] }));
  expect(seeded.status).toBe(200);

  // Every route the service documents, from its own OpenAPI description.
  const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as {
    paths: Record<string, Record<string, { security?: unknown[]; parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>>;
  };
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      mainRoutes.push({
        method: method.toUpperCase(),
        path: p.replace(/\{[^}]+\}/g, 'sweep'),
        bodyKeys: Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {}),
        queryKeys: (op.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name),
        secured: (op.security?.length ?? 0) > 0,
      });
    }
  }
  mainRoutes = mainRoutes.filter((r) => !r.path.startsWith('/docs'));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await lt?.close();
  await mainDb?.drop();
  await ltDb?.drop();
});

const jsonBody = (keys: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.dictionary(fc.constantFrom(...keys, 'zzz'), fc.jsonValue(), { maxKeys: 6 }).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 30 }),
  );
const query = (keys: string[]): fc.Arbitrary<string> =>
  fc.dictionary(fc.constantFrom(...keys, 'x'), fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String)), { maxKeys: 4 }).map((q) => (Object.keys(q).length ? `?${new URLSearchParams(q)}` : ''));

/** Sends `request`; a 5xx fails, and a refusal (4xx) must leave every table as it was. */
async function expectNoServerErrorNorWrite(db: TestDatabase, label: string, request: () => Promise<{ status: number; text: string } | { statuses: number[]; text: string }>): Promise<void> {
  const before = await checksum(db);
  const res = await request();
  const statuses = 'statuses' in res ? res.statuses : [res.status];
  for (const s of statuses) expect(s, `${label}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (statuses.every((s) => s >= 400)) expect(await checksum(db), `${label}: refused, yet the database changed`).toBe(before);
  // An accepted request may have started work (a sync, a create) that writes after its
  // answer: let it finish, so it is not taken for a write of the next, refused, request.
  else await settle(db);
  expect(res.text, label).not.toMatch(/at .*\.(ts|js):\d+/);
}

/** Waits until the database stops changing (the same checksum twice, 300 ms apart). */
async function settle(db: TestDatabase): Promise<void> {
  let last = await checksum(db);
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const now = await checksum(db);
    if (now === last) return;
    last = now;
  }
}

const services = () => [
  { name: 'bulk-users serve', url: server.url, db: mainDb, routes: mainRoutes, auth: apiKey },
  { name: 'Load Tester', url: lt.url, db: ltDb, routes: LT_ROUTES, auth: lta.headers },
];

describe('over a real socket', () => {
  it('the main service documents the routes this sweep covers, POST /lifecycle/identify among them', () => {
    expect(mainRoutes.length).toBeGreaterThan(15);
    expect(mainRoutes).toContainEqual(expect.objectContaining({ method: 'POST', path: '/api/bulk-users/lifecycle/identify' }));
    expect(mainRoutes.filter((r) => r.method === 'POST').length).toBeGreaterThanOrEqual(6);
  });

  it('generated JSON bodies and query strings on every route: never a 5xx, a refusal writes nothing', { timeout: 300_000 }, async () => {
    for (const svc of services()) {
      for (const r of svc.routes) {
        const hasBody = r.method !== 'GET' && r.method !== 'DELETE';
        await fc.assert(
          fc.asyncProperty(hasBody ? jsonBody(r.bodyKeys) : fc.constant(undefined), query(r.queryKeys), async (body, q) => {
            await expectNoServerErrorNorWrite(svc.db, `${svc.name} ${r.method} ${r.path}${q} ${body?.slice(0, 200) ?? ''}`, () => send(svc.url, r.method, `${r.path}${q}`, svc.auth, body));
          }),
          { numRuns: hasBody ? BODIES_PER_ROUTE : 5 },
        );
      }
    }
  });

  it('broken HTTP framing (lengths, chunking, charsets, headers) on every POST route: never a 5xx, nothing written', { timeout: 300_000 }, async () => {
    for (const svc of services()) {
      for (const r of svc.routes.filter((x) => x.method === 'POST')) {
        for (const f of brokenFramings(r.path, svc.auth)) {
          await expectNoServerErrorNorWrite(svc.db, `${svc.name} POST ${r.path}: ${f.label}`, () => rawExchange(svc.url, f.bytes, 3_000));
        }
      }
      // Still serving after all of that.
      expect((await send(svc.url, 'GET', '/api/health', {})).status).toBe(200);
    }
  });

  it('auth matrix on the main service: every secured route refuses missing, garbage, unknown, bearer and basic credentials with 401 and writes nothing', { timeout: 300_000 }, async () => {
    const secured = mainRoutes.filter((r) => r.secured);
    expect(secured.length).toBeGreaterThan(10);
    const wrong: Record<string, Headers> = {
      none: {},
      garbageKey: { 'x-api-key': 'not-a-key' },
      unknownKey: { 'x-api-key': `buk_${'0'.repeat(16)}_${'A'.repeat(43)}` },
      garbageBearer: { authorization: 'Bearer x' },
      basic: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    };
    for (const r of secured) {
      for (const [label, headers] of Object.entries(wrong)) {
        const body = r.method === 'POST' ? '{}' : undefined;
        await expectNoServerErrorNorWrite(mainDb, `${r.method} ${r.path} with ${label}`, async () => {
          const res = await send(server.url, r.method, r.path, headers, body);
          expect(res.status, `${r.method} ${r.path} with ${label}: ${res.text}`).toBe(401);
          return res;
        });
      }
    }
    // The valid key gets past authentication (whatever the route then answers).
    for (const r of secured) {
      const ok = await send(server.url, r.method, r.path, apiKey, r.method === 'POST' ? '{}' : undefined);
      expect(ok.status, `${r.method} ${r.path} with a valid key`).not.toBe(401);
      await settle(mainDb);
    }
  });

  it('auth on the Load Tester: every secured route refuses a missing or wrong token with 401 and writes nothing', async () => {
    for (const r of LT_ROUTES.filter((x) => x.secured)) {
      for (const headers of [{}, { authorization: 'Bearer wrong' }] as Headers[]) {
        await expectNoServerErrorNorWrite(ltDb, `${r.method} ${r.path}`, async () => {
          const res = await send(lt.url, r.method, r.path, headers, r.method === 'POST' ? '{}' : undefined);
          expect(res.status, `${r.method} ${r.path}: ${res.text}`).toBe(401);
          return res;
        });
      }
    }
  });
});
