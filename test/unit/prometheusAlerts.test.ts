import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../support/cli.ts';
import { hasPromtool, NO_PROMTOOL, promtool } from '../support/promtool.ts';

const DIR = path.join(PROJECT_ROOT, 'examples/prometheus');
const RULES = path.join(DIR, 'alerts.yaml');
const TESTS = path.join(DIR, 'alerts.test.yaml');

interface RuleFile {
  groups: { rules: { alert: string; expr: string }[] }[];
}
interface TestFile {
  tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
}

const rules = (parse(readFileSync(RULES, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);
const cases = (parse(readFileSync(TESTS, 'utf8')) as TestFile).tests.flatMap((t) => t.alert_rule_test);

describe('examples/prometheus/alerts.yaml', () => {
  it('has the guide’s five thresholds and the four operational alerts', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(
      [
        'BulkUsersHostDiskHigh',
        'BulkUsersHostMemoryHigh',
        'BulkUsersNoLeader',
        'BulkUsersNoSuccessfulReconcile',
        'BulkUsersPopulationLeaseExpiringSoon',
        'BulkUsersResponseTimeP95High',
        'BulkUsersSyncFailureRateHigh',
        'BulkUsersTargetUnreachable',
        'BulkUsersUserCreationFailureRateHigh',
      ].sort(),
    );
  });

  it('has a unit test that fires each alert and one that keeps it quiet', () => {
    for (const r of rules) {
      const mine = cases.filter((c) => c.alertname === r.alert);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${r.alert} never fires in alerts.test.yaml`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${r.alert} is never tested quiet in alerts.test.yaml`).toBe(true);
    }
  });

  it('uses only metric names that bulk-users exports (a renamed metric breaks this, not the alert in production)', () => {
    assertExported(rules.map((r) => r.expr));
  });

  it('has a Grafana dashboard beside it whose queries use exported metrics', () => {
    const dashboard = JSON.parse(readFileSync(path.join(DIR, 'grafana-dashboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    assertExported(dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)));
  });

  it.skipIf(!hasPromtool)(`passes promtool check rules and promtool test rules (${hasPromtool ? 'promtool present' : NO_PROMTOOL})`, async () => {
    const checked = await promtool(['check', 'rules', RULES]);
    expect(checked.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(checked.code).toBe(0);
    const tested = await promtool(['test', 'rules', TESTS]);
    expect(tested.output).toContain('SUCCESS');
    expect(tested.code, tested.output).toBe(0);
  });
});

function assertExported(exprs: string[]): void {
  const source = readdirSync(path.join(PROJECT_ROOT, 'src/metrics'))
    .map((f) => readFileSync(path.join(PROJECT_ROOT, 'src/metrics', f), 'utf8'))
    .join('\n');
  const used = new Set(exprs.flatMap((e) => e.match(/\bbulk_users_[a-z_]+/g) ?? []));
  expect(used.size).toBeGreaterThan(5);
  for (const name of used) {
    const base = name.replace(/_(bucket|count|sum)$/, '').replace(/^bulk_users_/, '');
    expect(source, `${name} is not defined in src/metrics`).toMatch(new RegExp(`\\$\\{(P|prefix)\\}_${base}\``));
  }
}
