import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoadTester, type RunningLoadTester } from '../../src/loadtester/startLoadTester.ts';
import { buildApp } from '../../src/server/buildApp.ts';
import { createApiKey } from '../../src/server/auth/createApiKey.ts';
import { startServer, type RunningServer } from '../../src/server/startServer.ts';
import { hasPromtool, NO_PROMTOOL, promtool } from '../support/promtool.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { until } from '../support/until.ts';

const COUNT = 40;
let tdb: TestDatabase;
let lt: RunningLoadTester;
let server: RunningServer;
let specsDir: string;
let key: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tdb = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bu-metrics-data-'));
  lt = await startLoadTester({ port: 0, env: { LOADTESTER_DATABASE_URL: tdb.url, BULK_USERS_DATA_DIR: dataDir }, logger: false });
  specsDir = mkdtempSync(path.join(tmpdir(), 'bu-metrics-specs-'));
  writeFileSync(
    path.join(specsDir, 'pop.yaml'),
    [
      'apiVersion: bulk-users/v1',
      'kind: TestUserPopulation',
      'metadata: { name: metric-pop }',
      'spec:',
      `  count: ${COUNT}`,
      '  usernamePattern: "metricpop_{id}"',
      '  password: { fromEnv: MP_PW }',
      '  ttl: 7d',
      '  syncTargets: [lt]',
      '---',
      'apiVersion: bulk-users/v1',
      'kind: SyncTarget',
      'metadata: { name: lt }',
      `spec: { type: loadtester, url: "${lt.url}", timeoutSeconds: 5, retry: { attempts: 2, delaySeconds: 0.05 } }`,
      '',
    ].join('\n'),
  );
  env = { DATABASE_URL: tdb.url, BULK_USERS_SECRET_KEY: randomBytes(32).toString('base64'), MP_PW: 'metric-pop-password', BULK_USERS_DATA_DIR: dataDir };
  key = (await createApiKey(tdb.database.db, 'prometheus')).token;
  // --watch: this replica leads and reconciles at once (trigger "watch").
  server = await startServer({ port: 0, specsDir, env, logger: false, continuous: { watch: true, watchDebounceMs: 100, leaderRetryMs: 200, identity: 'metrics-test' } });
  await until('the first watch reconcile', async () => (await tdb.query(`SELECT 1 FROM bulk_reconcile_runs WHERE outcome = 'succeeded'`)).length > 0 && (await tdb.query(`SELECT 1 FROM bulk_population_status`)).length > 0, 30_000);
});

afterAll(async () => {
  await server?.close();
  await lt?.close();
  await tdb?.drop();
});

async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(url, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The value of one series, e.g. sample(text, 'bulk_users_leader') or with its labels as printed. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics of serve', () => {
  it('needs the credential the API takes', async () => {
    expect((await scrape(`${server.url}/metrics`)).status).toBe(401);
    expect((await scrape(`${server.url}/metrics`, { 'x-api-key': `buk_${'0'.repeat(16)}_${'A'.repeat(43)}` })).status).toBe(401);
    expect((await scrape(`${server.url}/metrics`, { 'x-api-key': key })).status).toBe(200);
  });

  it('reports the run, the users, the sync, the population and the leader, without a username', async () => {
    // A route with a parameter: the label is its pattern, never the URL asked for.
    expect((await fetch(`${server.url}/api/bulk-users/batches/no-such-batch-xyz`, { headers: { 'x-api-key': key } })).status).toBe(404);
    // The run is counted when reconcile() returns, a moment after its records are written.
    const { status, type, text } = await until('the run counted', async () => {
      const r = await scrape(`${server.url}/metrics`, { 'x-api-key': key });
      return sample(r.text, 'bulk_users_reconcile_runs_total{trigger="watch",outcome="applied"}') === 1 && r;
    });
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);

    expect(sample(text, 'bulk_users_reconcile_runs_total{trigger="watch",outcome="applied"}')).toBe(1);
    expect(sample(text, 'bulk_users_reconcile_duration_seconds_count{trigger="watch"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'bulk_users_users_created_total')).toBe(COUNT);
    expect(sample(text, 'bulk_users_user_creates_planned_total')).toBe(COUNT);
    expect(sample(text, 'bulk_users_users_deleted_total')).toBe(0);
    expect(sample(text, 'bulk_users_sync_records_sent_total{target="lt",operation="upsert"}')).toBe(COUNT);
    expect(sample(text, 'bulk_users_sync_runs_total{target="lt",outcome="success"}')).toBe(1);
    expect(sample(text, 'bulk_users_sync_duration_seconds_count{target="lt"}')).toBe(1);
    expect(sample(text, 'bulk_users_population_desired_users{population="metric-pop"}')).toBe(COUNT);
    expect(sample(text, 'bulk_users_population_actual_users{population="metric-pop"}')).toBe(COUNT);
    expect(sample(text, 'bulk_users_population_in_sync{population="metric-pop"}')).toBe(1);
    const expiry = sample(text, 'bulk_users_population_lease_expiry_timestamp_seconds{population="metric-pop"}')!;
    expect(Math.abs(expiry - (Date.now() / 1000 + 7 * 86400))).toBeLessThan(3600);
    expect(sample(text, 'bulk_users_target_last_sync_success{target="lt"}')).toBe(1);
    expect(sample(text, 'bulk_users_target_unreachable{target="lt"}')).toBe(0);
    expect(sample(text, 'bulk_users_leader')).toBe(1);
    expect(sample(text, 'bulk_users_active_operations')).toBe(0);
    const lastOk = sample(text, 'bulk_users_last_successful_reconcile_timestamp_seconds')!;
    expect(Math.abs(lastOk - Date.now() / 1000)).toBeLessThan(600);
    expect(text).toContain('bulk_users_http_request_duration_seconds_count{method="GET",route="/api/bulk-users/batches/:id",status_code="404"} 1');
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);

    expect(text).not.toContain('no-such-batch-xyz');
    expect(text).not.toContain('metricpop_');
    expect(text).not.toContain('metric-pop-password');
    expect(text).not.toContain(key);
  });

  it.skipIf(!hasPromtool)(`parses with promtool check metrics (${hasPromtool ? 'promtool present' : NO_PROMTOOL})`, async () => {
    const { text } = await scrape(`${server.url}/metrics`, { 'x-api-key': key });
    const checked = await promtool(['check', 'metrics'], text);
    expect(checked.output).toBe('');
    expect(checked.code).toBe(0);
  });

  it('is open without a credential with metricsPublic (serve --metrics-public)', async () => {
    const app = await buildApp({ database: tdb.database, secretKey: randomBytes(32), specsDir, env: {}, logger: false, metricsPublic: true });
    try {
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('bulk_users_population_actual_users{population="metric-pop"} 40');
      // No controller in this app: it takes no part in the election, so it exports no leader series.
      expect(res.body).not.toMatch(/^bulk_users_leader /m);
    } finally {
      await app.close();
    }
  });
});

describe('GET /metrics of the Load Tester', () => {
  it('counts credentials per population, nothing more', async () => {
    const { status, text } = await scrape(`${lt.url}/metrics`);
    expect(status).toBe(200);
    expect(sample(text, 'bulk_users_loadtester_credentials{population="metric-pop"}')).toBe(COUNT);
    expect(text).toContain('route="/api/users/bulk-upsert"');
    expect(text).not.toContain('metricpop_');
    expect(text).not.toContain('metric-pop-password');
    if (hasPromtool) {
      const checked = await promtool(['check', 'metrics'], text);
      expect(checked.output).toBe('');
      expect(checked.code).toBe(0);
    }
  });
});
