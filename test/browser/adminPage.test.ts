import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/cli.ts';
import { ADMIN, startAdminFixture, TEST_USER_PASSWORD, type AdminFixture } from '../support/adminFixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SHOTS = path.join(PROJECT_ROOT, 'docs/screenshots');

let fx: AdminFixture;
let browser: BrowserContext;
let profile: string;
let page: Page;
let base: string;

// Every run takes the screenshots (a page that cannot render fails here); they replace the
// README's only with UPDATE_SCREENSHOTS=1, so a test run leaves the work tree as it was.
const SHOT_DIR = process.env.UPDATE_SCREENSHOTS === '1' ? SHOTS : mkdtempSync(path.join(tmpdir(), 'bu-shots-'));
const shot = (name: string) => page.screenshot({ path: path.join(SHOT_DIR, `${name}.png`), fullPage: true });
const users = async (population: string) => (await fx.tdb.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE population = $1`, [population]))[0]!.n;

/**
 * The admin page as a person uses it, in Debian's Chromium driven by playwright-core:
 * keyboard and labels to log in, links to move around, confirmation boxes before
 * anything is applied or deleted. The screenshots it takes are the README's.
 */
describe.skipIf(!hasChromium)(`admin page in Chromium (${hasChromium ? CHROMIUM : `${CHROMIUM} is missing (apt-get install chromium; CI installs it): skipped`})`, () => {
  beforeAll(async () => {
    fx = await startAdminFixture(6);
    base = `${fx.server.url}/admin/bulk-users`;
    profile = mkdtempSync(path.join(tmpdir(), 'bu-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await fx?.close();
  });

  it('refuses a test user', async () => {
    await page.goto(`${base}/`);
    await expect.poll(() => page.url()).toBe(`${base}/login`);
    await shot('login');
    await page.getByLabel('Username').fill('webload_1');
    await page.getByLabel('Password').fill(TEST_USER_PASSWORD);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url() === `${base}/login` && r.request().method() === 'POST'), page.getByLabel('Password').press('Enter')]);
    expect(response.status()).toBe(403);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not an administrator');
    expect(await page.locator('[data-population]').count()).toBe(0);
  });

  it('logs an admin in with the keyboard and shows the populations of the specs', async () => {
    await page.goto(`${base}/login`);
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL(`${base}/`);
    const row = page.locator('tr[data-population="web-load"]');
    expect(await row.locator('[data-field="actual"]').textContent()).toBe('6');
    expect(await row.locator('[data-field="desired"]').textContent()).toBe('6');
    expect(await row.textContent()).toContain('Ready=True');
    expect(await page.locator('tr[data-population="old-soak"]').textContent()).toContain('Orphaned');
    await shot('populations');
  });

  it('opens the plan after a spec change and applies it after confirmation; the counts change', async () => {
    fx.writeSpec(10);
    await page.getByRole('link', { name: 'Plan' }).click();
    await page.waitForURL(`${base}/plan`);
    const plan = await page.getByLabel('Plan', { exact: true }).textContent();
    expect(plan).toContain('+ 4 user(s)  webload_7 .. webload_10');
    expect(plan).toContain('Plan: 4 to create');
    await shot('plan');
    // The button does nothing until the box is ticked (required field).
    await page.getByRole('button', { name: 'Apply plan' }).click();
    expect(page.url()).toBe(`${base}/plan`);
    await page.getByLabel(/I have read this plan/).check();
    await page.getByRole('button', { name: 'Apply plan' }).click();
    await page.getByText('Applied.').waitFor();
    expect(await page.locator('main').textContent()).toMatch(/4 created, \d+ updated, 0 deleted/);
    await shot('apply');
    await page.getByRole('link', { name: 'See the populations' }).click();
    expect(await page.locator('tr[data-population="web-load"] [data-field="actual"]').textContent()).toBe('10');
    expect(await users('web-load')).toBe(10);
  });

  it('cleans up a candidate after a confirmation that names the count, and the database follows', async () => {
    await page.getByRole('link', { name: 'Cleanup' }).click();
    await shot('cleanup');
    await page.getByRole('button', { name: 'Clean up old-soak…' }).click();
    await page.getByText('deletes 4 user(s)').waitFor();
    await page.getByLabel('Delete 4 user(s) of old-soak').check();
    await shot('cleanup-confirm');
    expect(await users('old-soak')).toBe(4);
    await page.getByRole('button', { name: 'Delete 4 user(s)' }).click();
    await page.getByText('4 user(s) deleted').waitFor();
    expect(await users('old-soak')).toBe(0);
    await page.getByRole('link', { name: 'Run history' }).first().click();
    expect(await page.locator('main').textContent()).toContain('4 orphaned of old-soak');
    await shot('runs');
  });

  it('creates a batch from a template', async () => {
    await page.getByRole('link', { name: 'Create batch' }).click();
    await page.getByLabel('Template', { exact: true }).selectOption('small-batch');
    await page.getByLabel(/Batch name/).fill('from-template');
    await page.getByLabel('Number of users').fill('5');
    await page.getByLabel(/Username pattern/).fill('fromtpl_{id}');
    await page.getByLabel(/Password/).fill('from-template-password');
    await shot('create');
    await page.getByRole('button', { name: 'Create batch' }).click();
    await page.getByText('Batch from-template').waitFor();
    expect(await users('from-template')).toBe(5);
  });
});
