import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLoadTester } from '../../src/loadtester/startLoadTester.ts';
import { createAdminUser } from '../../src/server/auth/createAdminUser.ts';
import { startServer, type RunningServer } from '../../src/server/startServer.ts';
import { cli } from './cli.ts';
import { createTestDatabase, type TestDatabase } from './testDatabase.ts';

export const ADMIN = { username: 'page-admin', password: 'admin-page-password-1' };
export const TEST_USER_PASSWORD = 'admin-fixture-test-pw';

export interface AdminFixture {
  tdb: TestDatabase;
  server: RunningServer;
  specsDir: string;
  /** The server's environment (its secret key, the population password variable). */
  env: NodeJS.ProcessEnv;
  /** Rewrites the spec of population "web-load" with this count. */
  writeSpec(count: number): void;
  close(): Promise<void>;
}

/**
 * A real `serve` (HTTP on loopback, port 0) over a fresh database: an admin user, a
 * population "web-load" of `count` users applied by the CLI and synced to a real Load
 * Tester, an orphaned population
 * "old-soak" of 4 users (a cleanup candidate), and a template "small-batch".
 */
export async function startAdminFixture(count: number, env: NodeJS.ProcessEnv = {}): Promise<AdminFixture> {
  const tdb = await createTestDatabase();
  const specsDir = mkdtempSync(path.join(tmpdir(), 'bu-admin-specs-'));
  const ltToken = randomBytes(24).toString('base64url');
  const lt = await startLoadTester({ port: 0, env: { LOADTESTER_DATABASE_URL: tdb.url, BULK_USERS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bu-admin-lt-')), LOADTESTER_TOKEN: ltToken }, logger: false });
  mkdirSync(path.join(specsDir, 'templates'));
  writeFileSync(
    path.join(specsDir, 'templates', 'small.yaml'),
    ['apiVersion: bulk-users/v1', 'kind: PopulationTemplate', 'metadata: { name: small-batch, annotations: { description: five users for a quick test } }', 'spec: { count: 5, ttl: 1d, attributes: { role: customer } }', ''].join('\n'),
  );
  const writeSpec = (n: number): void =>
    writeFileSync(
      path.join(specsDir, 'web.yaml'),
      [
        ...['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', 'metadata: { name: web-load }', 'spec:', `  count: ${n}`, '  usernamePattern: "webload_{id}"'],
        ...['  password: { fromEnv: ADMIN_FIXTURE_PW }', '  ttl: 14d', '  syncTargets: [load-tester]', '---'],
        ...['apiVersion: bulk-users/v1', 'kind: SyncTarget', 'metadata: { name: load-tester }', `spec: { type: loadtester, url: "${lt.url}", timeoutSeconds: 5 }`, ''],
      ].join('\n'),
    );
  writeSpec(count);
  // "old-soak": applied with deletionPolicy Retain, then its spec removed, so its users
  // stay as an orphaned population (a cleanup candidate).
  const oldSpec = path.join(specsDir, 'old.yaml');
  writeFileSync(oldSpec, ['apiVersion: bulk-users/v1', 'kind: TestUserPopulation', 'metadata: { name: old-soak }', 'spec:', '  count: 4', '  usernamePattern: "oldsoak_{id}"', '  password: { fromEnv: ADMIN_FIXTURE_PW }', '  deletionPolicy: Retain', ''].join('\n'));
  const fullEnv = { ADMIN_FIXTURE_PW: TEST_USER_PASSWORD, LOADTESTER_TOKEN: ltToken, BULK_USERS_SECRET_KEY: randomBytes(32).toString('base64'), ...env };
  for (const step of ['apply', 'orphan']) {
    if (step === 'orphan') rmSync(oldSpec);
    const r = await cli(['reconcile', '--specs', specsDir, '--yes'], { databaseUrl: tdb.url, env: fullEnv });
    if (r.code !== 0) throw new Error(`fixture reconcile (${step}) failed: ${r.stderr}`);
  }
  await createAdminUser(tdb.database.db, { username: ADMIN.username, password: ADMIN.password });
  const server = await startServer({ port: 0, specsDir, env: { DATABASE_URL: tdb.url, ...fullEnv }, logger: false });
  return {
    tdb,
    server,
    specsDir,
    env: fullEnv,
    writeSpec,
    async close() {
      await server.close();
      await lt.close();
      await tdb.drop();
    },
  };
}

/** Cookies as a browser (or curl -c/-b) keeps them, for fetch. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

/** GET/POST with the jar, no redirects followed (tests look at them). */
export async function browse(jar: CookieJar, url: string, form?: Record<string, string>): Promise<Response> {
  const res = await fetch(url, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  jar.store(res);
  return res;
}

/** The CSRF token of the first form of a page. */
export function csrfToken(page: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}
