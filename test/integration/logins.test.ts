import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/crypto/passwordHash.ts';
import { createAdminUser } from '../../src/server/auth/createAdminUser.ts';
import { loginProtectionFromEnv } from '../../src/server/auth/loginProtection.ts';
import { sessionPolicyFromEnv } from '../../src/server/auth/sessionPolicy.ts';
import { buildApp, type AppOptions } from '../../src/server/buildApp.ts';
import { cli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

// Logins of test users (issue: a load generator logging in 400 users from one address got
// 390 x 429) and the life of the bearer tokens they get, over a real socket.

const LT_PW = 'load-test-password-1';
const ADMIN_PW = 'admin password for sessions';
const POPULATION = 401;

let tdb: TestDatabase;
let specsDir: string;
let env: NodeJS.ProcessEnv;
/** Moved forward by tests to pass lock windows and token lifetimes. */
let offsetMs = 0;
const servers: FastifyInstance[] = [];

async function serve(over: Partial<AppOptions> = {}): Promise<string> {
  const app = await buildApp({ database: tdb.database, secretKey: randomBytes(32), specsDir, env: {}, logger: false, now: () => new Date(Date.now() + offsetMs), ...over });
  servers.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

async function login(url: string, username: string, password: string) {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

async function asUser(url: string, token: string, route = '/api/user/profile', method = 'GET') {
  const res = await fetch(`${url}${route}`, { method, headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

function writeSpecs(rotPw: string): void {
  writeFileSync(
    path.join(specsDir, 'users.yaml'),
    [
      'apiVersion: bulk-users/v1',
      'kind: TestUserPopulation',
      'metadata: { name: lt }',
      `spec: { count: ${POPULATION}, usernamePattern: "lt_{id}", password: { fromEnv: LT_PW } }`,
      '---',
      'apiVersion: bulk-users/v1',
      'kind: TestUserPopulation',
      'metadata: { name: rot }',
      'spec: { count: 2, usernamePattern: "rot_{id}", password: { fromEnv: ROT_PW } }',
      '',
    ].join('\n'),
  );
  env = { LT_PW, ROT_PW: rotPw };
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  specsDir = mkdtempSync(path.join(tmpdir(), 'bu-logins-'));
  writeSpecs('rotating-password-1');
  const rec = await cli(['reconcile', '--specs', specsDir, '--yes'], { databaseUrl: tdb.url, env });
  expect(rec.code, rec.stderr).toBe(0);
  await createAdminUser(tdb.database.db, { username: 'sess-admin', password: ADMIN_PW });
});

beforeEach(async () => {
  offsetMs = 0;
  await tdb.query('DELETE FROM bulk_login_failures');
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await tdb?.drop();
});

describe('brute-force protection counts failed logins only', () => {
  it('400 test users log in from one address within 20 s, while 20 wrong passwords lock one username (and only it) until the window passes', async () => {
    const url = await serve();
    const limits = loginProtectionFromEnv({});
    const victim = `lt_${POPULATION}`;
    const started = Date.now();
    const codes: number[] = new Array(POPULATION - 1);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < POPULATION - 1) {
        const i = next++;
        codes[i] = (await login(url, `lt_${i + 1}`, LT_PW)).status;
      }
    };
    const wrong = (async () => {
      const out: { status: number; retryAfter: string | null; message: string }[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await login(url, victim, `wrong-${i}`);
        out.push({ status: r.status, retryAfter: r.headers.get('retry-after'), message: String(r.body.message) });
      }
      return out;
    })();
    await Promise.all(Array.from({ length: 16 }, worker));
    const bad = await wrong;
    const elapsed = Date.now() - started;

    expect(codes.filter((c) => c === 200)).toHaveLength(POPULATION - 1);
    expect(elapsed).toBeLessThan(20_000);
    // The attempt that reaches the limit is still checked (401); every one after it is refused unchecked.
    expect(bad.slice(0, limits.maxFailuresPerUsername).map((b) => b.status)).toEqual(new Array(limits.maxFailuresPerUsername).fill(401));
    for (const b of bad.slice(limits.maxFailuresPerUsername)) {
      expect(b.status).toBe(429);
      expect(b.message).toContain('for this username');
      expect(Number(b.retryAfter)).toBeGreaterThan(0);
      expect(Number(b.retryAfter)).toBeLessThanOrEqual(limits.windowMs / 1000);
    }

    // Locked: even the right password is refused; everyone else logs in.
    expect((await login(url, victim, LT_PW)).status).toBe(429);
    expect((await login(url, 'lt_3', LT_PW)).status).toBe(200);
    // Successes wrote nothing: only the victim's and the address's failures are on record.
    const rows = await tdb.query<{ scope: string; key: string; failures: number }>(`SELECT scope, key, failures FROM bulk_login_failures ORDER BY scope`);
    expect(rows.map((r) => `${r.scope}:${r.key}`)).toEqual(['address:127.0.0.1', `username:${victim}`]);
    expect(rows.find((r) => r.scope === 'username')!.failures).toBe(limits.maxFailuresPerUsername);

    offsetMs = limits.windowMs + 1000;
    expect((await login(url, victim, LT_PW)).status).toBe(200);
  });

  it('failed logins from one address lock that address for every username', async () => {
    const url = await serve({ loginProtection: { maxFailuresPerUsername: 100, maxFailuresPerAddress: 5, windowMs: 60_000 } });
    for (let i = 1; i <= 5; i++) expect((await login(url, `lt_${i}`, 'sprayed-password')).status).toBe(401);
    const refused = await login(url, 'lt_9', LT_PW);
    expect(refused.status).toBe(429);
    expect(refused.body.message).toContain('from this address');
    offsetMs = 61_000;
    expect((await login(url, 'lt_9', LT_PW)).status).toBe(200);
  });

  it('an unknown username is counted and locked like a known one (locks do not tell which exist)', async () => {
    const url = await serve({ loginProtection: { maxFailuresPerUsername: 2, maxFailuresPerAddress: 100, windowMs: 60_000 } });
    const known = [await login(url, 'lt_4', 'x1'), await login(url, 'lt_4', 'x2'), await login(url, 'lt_4', 'x3')].map((r) => r.status);
    const unknown = [await login(url, 'nobody', 'x1'), await login(url, 'nobody', 'x2'), await login(url, 'nobody', 'x3')].map((r) => r.status);
    expect(known).toEqual([401, 401, 429]);
    expect(unknown).toEqual(known);
  });

  it('`admin unlock` lifts a username lock at once', async () => {
    const url = await serve({ loginProtection: { maxFailuresPerUsername: 1, maxFailuresPerAddress: 100, windowMs: 600_000 } });
    expect((await login(url, 'lt_6', 'wrong')).status).toBe(401);
    expect((await login(url, 'lt_6', LT_PW)).status).toBe(429);
    const res = await cli(['admin', 'unlock', '--username', 'lt_6'], { databaseUrl: tdb.url });
    expect(res.code, res.stderr).toBe(0);
    expect((await login(url, 'lt_6', LT_PW)).status).toBe(200);
  });
});

describe('bearer sessions', () => {
  it('logout revokes the presented token (401 after), and only that one', async () => {
    const url = await serve();
    const a = (await login(url, 'sess-admin', ADMIN_PW)).body.token as string;
    const b = (await login(url, 'sess-admin', ADMIN_PW)).body.token as string;
    expect((await asUser(url, a, '/api/bulk-users/stats')).status).toBe(200);
    expect((await asUser(url, a, '/api/auth/logout', 'POST')).status).toBe(204);
    const after = await asUser(url, a, '/api/bulk-users/stats');
    expect(after.status).toBe(401);
    expect((await asUser(url, a, '/api/auth/logout', 'POST')).status).toBe(401);
    expect((await asUser(url, b, '/api/bulk-users/stats')).status).toBe(200);
  });

  it("a changed password ends the sessions opened with the old one: an admin's, and a test population's rotated by reconcile", async () => {
    const url = await serve();
    const adminToken = (await login(url, 'sess-admin', ADMIN_PW)).body.token as string;
    const rotToken = (await login(url, 'rot_1', 'rotating-password-1')).body.token as string;
    const ltToken = (await login(url, 'lt_1', LT_PW)).body.token as string;
    expect((await asUser(url, rotToken)).status).toBe(200);

    await tdb.query(`UPDATE users SET password_hash = $1 WHERE username = 'sess-admin'`, [await hashPassword('a brand new admin password')]);
    const ended = await asUser(url, adminToken, '/api/bulk-users/stats');
    expect(ended.status).toBe(401);
    expect(ended.body!.message).toContain('password has changed');
    expect((await login(url, 'sess-admin', 'a brand new admin password')).status).toBe(200);
    await tdb.query(`UPDATE users SET password_hash = $1 WHERE username = 'sess-admin'`, [await hashPassword(ADMIN_PW)]);

    writeSpecs('rotating-password-2');
    const rec = await cli(['reconcile', '--specs', specsDir, '--yes'], { databaseUrl: tdb.url, env });
    expect(rec.code, rec.stderr).toBe(0);
    expect((await asUser(url, rotToken)).status).toBe(401);
    expect((await login(url, 'rot_1', 'rotating-password-2')).status).toBe(200);
    // The population whose password did not change keeps its sessions.
    expect((await asUser(url, ltToken)).status).toBe(200);
  });

  it('test users get the short lifetime, admins the longer one; an expired token is 401', async () => {
    const url = await serve();
    const policy = sessionPolicyFromEnv({});
    expect(policy.testUserTtlMs).toBeLessThan(policy.ttlMs);
    const user = await login(url, 'lt_2', LT_PW);
    const admin = await login(url, 'sess-admin', ADMIN_PW);
    expect(user.body.expires_in).toBe(policy.testUserTtlMs / 1000);
    expect(admin.body.expires_in).toBe(policy.ttlMs / 1000);
    offsetMs = policy.testUserTtlMs + 1000;
    const expired = await asUser(url, user.body.token as string);
    expect(expired.status).toBe(401);
    expect(expired.body!.message).toContain('expired');
    expect((await asUser(url, admin.body.token as string)).status).toBe(200);
  });

  it('BULK_USERS_TEST_USER_SESSION_TTL sets the test users’ lifetime; a bad value stops the start', async () => {
    const url = await serve({ env: { BULK_USERS_TEST_USER_SESSION_TTL: '120' } });
    expect((await login(url, 'lt_2', LT_PW)).body.expires_in).toBe(120);
    await expect(serve({ env: { BULK_USERS_TEST_USER_SESSION_TTL: 'soon' } })).rejects.toThrow(/BULK_USERS_TEST_USER_SESSION_TTL must be a number of seconds/);
  });

  it('`admin revoke-sessions --username` ends every session of that user at once', async () => {
    const url = await serve();
    const tokens = [(await login(url, 'lt_8', LT_PW)).body.token as string, (await login(url, 'lt_8', LT_PW)).body.token as string];
    const other = (await login(url, 'lt_9', LT_PW)).body.token as string;
    const [held] = await tdb.query<{ n: number }>(`SELECT count(*)::int AS n FROM bulk_sessions WHERE user_id = (SELECT id FROM users WHERE username = 'lt_8')`);
    expect(held!.n).toBeGreaterThanOrEqual(2);
    const res = await cli(['admin', 'revoke-sessions', '--username', 'lt_8'], { databaseUrl: tdb.url });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`${held!.n} session(s) revoked for "lt_8"`);
    for (const t of tokens) expect((await asUser(url, t)).status).toBe(401);
    expect((await asUser(url, other)).status).toBe(200);
    expect((await cli(['admin', 'revoke-sessions'], { databaseUrl: tdb.url })).code).toBe(1);
  });
});
