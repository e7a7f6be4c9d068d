import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/buildApp.ts';
import { ADMIN, browse, CookieJar, csrfToken, startAdminFixture, TEST_USER_PASSWORD, type AdminFixture } from '../support/adminFixture.ts';

const run = promisify(execFile);
const CURL = '/usr/bin/curl';
let fx: AdminFixture;
let base: string;

beforeAll(async () => {
  fx = await startAdminFixture(6);
  base = `${fx.server.url}/admin/bulk-users`;
});

afterAll(async () => {
  await fx?.close();
});

async function loggedIn(username = ADMIN.username, password = ADMIN.password): Promise<{ jar: CookieJar; res: Response }> {
  const jar = new CookieJar();
  const page = await (await browse(jar, `${base}/login`)).text();
  const res = await browse(jar, `${base}/login`, { username, password, _csrf: csrfToken(page) });
  return { jar, res };
}

describe('admin page login', () => {
  it('sends a browser without a session to the login form, which has labelled fields', async () => {
    const res = await browse(new CookieJar(), `${base}/`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/bulk-users/login');
    const page = await (await browse(new CookieJar(), `${base}/login`)).text();
    expect(page).toContain('<label for="username">');
    expect(page).toContain('<label for="password">');
  });

  it('logs an admin in to a cookie session with HttpOnly, SameSite=Strict, no Secure over plain HTTP', async () => {
    const { jar, res } = await loggedIn();
    expect(res.status).toBe(303);
    const session = res.headers.getSetCookie().find((c) => c.startsWith('bu_admin_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(session).toMatch(/Path=\/admin\/bulk-users/);
    expect(session).not.toMatch(/Secure/i);
    const page = await browse(jar, `${base}/`);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('data-population="web-load"');
    expect(text).toContain(ADMIN.username);
  });

  it('refuses a wrong password with 401 and a test user with 403, never the page', async () => {
    const wrong = await loggedIn(ADMIN.username, 'not-the-password');
    expect(wrong.res.status).toBe(401);
    expect(wrong.jar.has('bu_admin_session')).toBe(false);
    const testUser = await loggedIn('webload_1', TEST_USER_PASSWORD);
    expect(testUser.res.status).toBe(403);
    expect(await testUser.res.text()).toContain('not an administrator');
    expect(testUser.jar.has('bu_admin_session')).toBe(false);
    // A test user's bearer token (from the API) gets no page either.
    const token = ((await (await fetch(`${fx.server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'webload_1', password: TEST_USER_PASSWORD }) })).json()) as { token: string }).token;
    const res = await fetch(`${base}/`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('data-population');
  });

  it('refuses a form without its CSRF token', async () => {
    const jar = new CookieJar();
    await browse(jar, `${base}/login`);
    const res = await browse(jar, `${base}/login`, { username: ADMIN.username, password: ADMIN.password });
    expect(res.status).toBe(403);
    expect(jar.has('bu_admin_session')).toBe(false);
    const { jar: admin } = await loggedIn();
    const apply = await browse(admin, `${base}/apply`, { confirm: 'yes', confirmed_deletes: '0' });
    expect(apply.status).toBe(403);
    expect(await apply.text()).toContain('CSRF');
  });

  it('refuses a CSRF cookie and token issued to another browser, even with an admin session (cookie tossing)', async () => {
    const { jar: admin } = await loggedIn();
    const attacker = new CookieJar();
    const tossed = csrfToken(await (await browse(attacker, `${base}/login`)).text());
    const forged = await fetch(`${base}/apply`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `bu_admin_session=${admin.get('bu_admin_session')}; bu_admin_csrf=${attacker.get('bu_admin_csrf')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: tossed, confirm: 'yes', confirmed_deletes: '0' }).toString(),
    });
    expect(forged.status).toBe(403);
    // The administrator's own token still works.
    const plan = await (await browse(admin, `${base}/plan`)).text();
    expect((await browse(admin, `${base}/apply`, { _csrf: csrfToken(plan), confirmed_deletes: '0' })).status).not.toBe(403);
  });

  it('logs out: the cookie is cleared and the page asks for a login again', async () => {
    const { jar } = await loggedIn();
    const page = await (await browse(jar, `${base}/`)).text();
    const out = await browse(jar, `${base}/logout`, { _csrf: csrfToken(page) });
    expect(out.status).toBe(303);
    expect(jar.has('bu_admin_session')).toBe(false);
    expect((await browse(jar, `${base}/`)).status).toBe(303);
  });

  it('marks the cookies Secure when BULK_USERS_SECURE_COOKIES=true (TLS ended at a proxy)', async () => {
    const secretKey = Buffer.from(fx.env.BULK_USERS_SECRET_KEY!, 'base64');
    const app = await buildApp({ database: fx.tdb.database, secretKey, specsDir: fx.specsDir, env: { ...fx.env, BULK_USERS_SECURE_COOKIES: 'true' }, logger: false });
    try {
      const form = await app.inject({ method: 'GET', url: '/admin/bulk-users/login' });
      const csrfCookie = String(form.headers['set-cookie']).split(';')[0]!;
      expect(String(form.headers['set-cookie'])).toMatch(/Secure/);
      const res = await app.inject({
        method: 'POST',
        url: '/admin/bulk-users/login',
        headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ username: ADMIN.username, password: ADMIN.password, _csrf: csrfToken(form.body) }).toString(),
      });
      expect(res.statusCode).toBe(303);
      const session = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('bu_admin_session='))!;
      expect(session).toMatch(/; Secure/);
      expect(session).toMatch(/HttpOnly/);
    } finally {
      await app.close();
    }
  });

  it.skipIf(!existsSync(CURL))(`works with curl -c cookies.txt, then curl -b cookies.txt (${existsSync(CURL) ? 'curl present' : `${CURL} missing: skipped`})`, async () => {
    const cookies = path.join(mkdtempSync(path.join(tmpdir(), 'bu-curl-')), 'cookies.txt');
    const form = (await run(CURL, ['-s', '-c', cookies, `${base}/login`])).stdout;
    const login = await run(CURL, ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-b', cookies, '-c', cookies, '--data-urlencode', `username=${ADMIN.username}`, '--data-urlencode', `password=${ADMIN.password}`, '--data-urlencode', `_csrf=${csrfToken(form)}`, `${base}/login`]);
    expect(login.stdout).toBe('303');
    expect(readFileSync(cookies, 'utf8')).toContain('bu_admin_session');
    const page = await run(CURL, ['-s', '-w', '\n%{http_code}', '-b', cookies, `${base}/`]);
    expect(page.stdout.trim().endsWith('200')).toBe(true);
    expect(page.stdout).toContain('data-population="web-load"');
  });
});

describe('admin page actions', () => {
  // One session for all: logins are rate limited (10 a minute per address).
  let session: Promise<{ jar: CookieJar }> | undefined;
  const adminSession = () => (session ??= loggedIn());
  it('shows the plan after a spec change as the CLI renders it, and applies it after confirmation', async () => {
    const { jar } = await adminSession();
    fx.writeSpec(9);
    const plan = await (await browse(jar, `${base}/plan`)).text();
    expect(plan).toContain('~ population &quot;web-load&quot; will be updated in place');
    expect(plan).toContain('+ 3 user(s)  webload_7 .. webload_9');
    const unconfirmed = await browse(jar, `${base}/apply`, { _csrf: csrfToken(plan), confirmed_deletes: '0' });
    expect(unconfirmed.status).toBe(400);
    const started = await browse(jar, `${base}/apply`, { _csrf: csrfToken(plan), confirm: 'yes', confirmed_deletes: '0' });
    expect(started.status).toBe(303);
    const progress = new URL(started.headers.get('location')!, fx.server.url).toString();
    let done = '';
    for (let i = 0; i < 300 && !done.includes('Applied.'); i++) {
      done = await (await browse(jar, progress)).text();
      if (!done.includes('Applying')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(done.slice(done.indexOf('<main'))).toMatch(/3 created, \d+ updated, 0 deleted/);
    const n = await fx.tdb.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE population = 'web-load'`);
    expect(n[0]!.n).toBe(9);
  });

  it('stops an apply that would delete more than was confirmed', async () => {
    const { jar } = await adminSession();
    fx.writeSpec(7);
    const plan = await (await browse(jar, `${base}/plan`)).text();
    expect(plan).toContain('- 2 user(s)');
    // Confirmed the plan that deleted nothing; by the time it runs it deletes 2.
    const started = await browse(jar, `${base}/apply`, { _csrf: csrfToken(plan), confirm: 'yes', confirmed_deletes: '0' });
    const progress = new URL(started.headers.get('location')!, fx.server.url).toString();
    let page = '';
    for (let i = 0; i < 300; i++) {
      page = await (await browse(jar, progress)).text();
      if (!page.includes('Applying')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(page).toContain('Nothing was applied');
    const n = await fx.tdb.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE population = 'web-load'`);
    expect(n[0]!.n).toBe(9);
    fx.writeSpec(9);
  });

  it('lists run history with what each run deleted, cleans up a candidate after naming the count', async () => {
    const { jar } = await adminSession();
    const list = await (await browse(jar, `${base}/cleanup`)).text();
    expect(list).toContain('old-soak');
    const confirm = await (await browse(jar, `${base}/cleanup/confirm?batch_id=old-soak`)).text();
    expect(confirm).toContain('Delete 4 user(s)');
    const wrongCount = await browse(jar, `${base}/cleanup`, { _csrf: csrfToken(confirm), batch_id: 'old-soak', confirmed_count: '3', confirm: 'yes' });
    expect(wrongCount.status).toBe(409);
    expect((await fx.tdb.query(`SELECT 1 FROM users WHERE population = 'old-soak'`)).length).toBe(4);
    const done = await browse(jar, `${base}/cleanup`, { _csrf: csrfToken(confirm), batch_id: 'old-soak', confirmed_count: '4', confirm: 'yes' });
    expect(done.status).toBe(200);
    const doneText = await done.text();
    expect(doneText.slice(doneText.indexOf('<main')), doneText.slice(doneText.indexOf('<main'))).toContain('4 user(s) deleted');
    expect((await fx.tdb.query(`SELECT 1 FROM users WHERE population = 'old-soak'`)).length).toBe(0);
    const runs = await (await browse(jar, `${base}/runs`)).text();
    expect(runs).toMatch(/<li>4 orphaned of old-soak<\/li>/);
  });

  it('creates a batch from a template, and shows the validator’s problems for a bad one', async () => {
    const { jar } = await adminSession();
    const created = await browse(jar, `${base}/create`);
    const form = await created.text();
    expect(created.status, form).toBe(200);
    expect(form).toContain('small-batch');
    const bad = await browse(jar, `${base}/create`, { _csrf: csrfToken(form), template: 'small-batch', count: '5', batch_id: 'tpl-made', username_pattern: 'no_placeholder', password: 'tpl-batch-password' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('{id}');
    const ok = await browse(jar, `${base}/create`, { _csrf: csrfToken(form), template: 'small-batch', count: '5', batch_id: 'tpl-made', username_pattern: 'tplmade_{id}', password: 'tpl-batch-password' });
    expect(ok.status).toBe(201);
    expect((await fx.tdb.query(`SELECT 1 FROM users WHERE population = 'tpl-made'`)).length).toBe(5);
  });

  it('with DISABLE_AUTH serves the page without a login, as the API does', async () => {
    const secretKey = Buffer.from(fx.env.BULK_USERS_SECRET_KEY!, 'base64');
    const app = await buildApp({ database: fx.tdb.database, secretKey, specsDir: fx.specsDir, env: { ...fx.env, DISABLE_AUTH: 'true', NODE_ENV: 'development' }, listenHost: '127.0.0.1', logger: false });
    try {
      const res = await app.inject({ method: 'GET', url: '/admin/bulk-users/' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('authentication disabled');
      // Where the API refuses to run without authentication, so does the page: it is the same server.
      await expect(
        buildApp({ database: fx.tdb.database, secretKey, specsDir: fx.specsDir, env: { ...fx.env, DISABLE_AUTH: 'true', NODE_ENV: 'production' }, listenHost: '127.0.0.1', logger: false }),
      ).rejects.toThrow(/DISABLE_AUTH=true is honoured only with NODE_ENV=development/);
    } finally {
      await app.close();
    }
  });
});
