/**
 * Invariants of docs/design.md: 1 (every UPDATE/DELETE on users is guarded in the SQL itself), 2 (production
 * users are never touched; a collision is a conflict), 3 (one run converges) and 5
 * (no plaintext password in the database or the log).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/db/openDatabase.ts';
import type { PlanSummary } from '../../src/plan/Plan.ts';
import { reconcile, type ReconcileResult } from '../../src/reconcile/reconcile.ts';
import { loadSpecs } from '../../src/spec/loadSpecs.ts';
import { populationYaml, spawnCli, specDir } from '../support/cli.ts';
import { createTestDatabase, productionSnapshot, seedProductionUsers, type TestDatabase } from '../support/testDatabase.ts';

const ENV = { BU_TEST_PASSWORD: 'pw-for-tests', INV_ROTATED: 'rotated-pw' };

let db: TestDatabase;
/** A second handle on the same database that records every statement Kysely sends. */
let captured: OpenDatabase;
const statements: { sql: string; params: readonly unknown[] }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  captured = await openDatabase({ url: db.url, onQuery: (sql, params) => statements.push({ sql, params }) });
});
afterAll(async () => {
  await captured?.close();
  await db?.drop();
});
beforeEach(async () => {
  await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs RESTART IDENTITY');
  statements.length = 0;
});

const PRODUCTION = ['alice', 'bob', 'admin_root', 'inv_a_3', 'inv_a_15', 'inv_b_16', 'inv_bb_5', 'inv_r_2', 'inv_d_4'];
const POPULATIONS = ['inv-a', 'inv-b', 'inv-r', 'inv-d'];

interface Step {
  name: string;
  write(specs: ReturnType<typeof specDir>): void;
  summary: Partial<PlanSummary>;
  /** Usernames the plan must report as conflicts held by production users. */
  conflicts: string[];
}

/**
 * create -> update (attributes, password) -> scale-down and id shift -> replace (pattern)
 * -> removal with Delete and with Retain -> removal of the rest. Production users hold
 * usernames of every population at some step.
 */
const SEQUENCE: Step[] = [
  {
    name: 'create',
    write(s) {
      s.write('a.yaml', populationYaml('inv-a', { count: 20, usernamePattern: 'inv_a_{id}', attributes: { tier: 'free' } }));
      s.write('b.yaml', populationYaml('inv-b', { count: 15, usernamePattern: 'inv_b_{id}' }));
      s.write('r.yaml', populationYaml('inv-r', { count: 8, usernamePattern: 'inv_r_{id}', deletionPolicy: 'Retain' }));
      s.write('d.yaml', populationYaml('inv-d', { count: 6, usernamePattern: 'inv_d_{id}', batchSize: 2 }));
    },
    summary: { create: 45, update: 0, delete: 0, conflicts: 4 },
    conflicts: ['inv_a_3', 'inv_a_15', 'inv_r_2', 'inv_d_4'],
  },
  {
    name: 'update',
    write(s) {
      s.write('a.yaml', populationYaml('inv-a', { count: 20, usernamePattern: 'inv_a_{id}', attributes: { tier: 'gold' }, batchSize: 5 }));
      s.write('b.yaml', populationYaml('inv-b', { count: 15, usernamePattern: 'inv_b_{id}', password: { fromEnv: 'INV_ROTATED' } }));
    },
    summary: { create: 0, update: 33, delete: 0, conflicts: 4 },
    conflicts: ['inv_a_3', 'inv_a_15', 'inv_r_2', 'inv_d_4'],
  },
  {
    name: 'scale-down',
    write(s) {
      s.write('a.yaml', populationYaml('inv-a', { count: 12, usernamePattern: 'inv_a_{id}', attributes: { tier: 'gold' }, batchSize: 5 }));
      s.write('b.yaml', populationYaml('inv-b', { count: 15, idStart: 3, usernamePattern: 'inv_b_{id}', password: { fromEnv: 'INV_ROTATED' } }));
    },
    summary: { create: 1, update: 0, delete: 9, conflicts: 4 },
    conflicts: ['inv_a_3', 'inv_b_16', 'inv_r_2', 'inv_d_4'],
  },
  {
    name: 'replace',
    write(s) {
      s.write('b.yaml', populationYaml('inv-b', { count: 15, idStart: 3, usernamePattern: 'inv_bb_{id}', password: { fromEnv: 'INV_ROTATED' }, batchSize: 4 }));
    },
    summary: { create: 14, update: 0, delete: 14, conflicts: 4 },
    conflicts: ['inv_a_3', 'inv_bb_5', 'inv_r_2', 'inv_d_4'],
  },
  {
    name: 'remove Delete and Retain',
    write(s) {
      s.remove('r.yaml');
      s.remove('d.yaml');
    },
    summary: { create: 0, update: 0, delete: 5, conflicts: 2 },
    conflicts: ['inv_a_3', 'inv_bb_5'],
  },
  {
    name: 'remove the rest',
    write(s) {
      s.remove('a.yaml');
      s.remove('b.yaml');
    },
    summary: { create: 0, update: 0, delete: 25, conflicts: 0 },
    conflicts: [],
  },
];

/** Runs the sequence through reconcile() on the capturing handle; `after` sees each step's result. */
async function runSequence(after: (step: Step, result: ReconcileResult) => Promise<void>): Promise<void> {
  const specs = specDir();
  for (const step of SEQUENCE) {
    step.write(specs);
    const result = await reconcile(captured, {
      state: loadSpecs(specs.dir).state,
      dryRun: false,
      env: ENV,
      planOptions: { maxDeletePercent: 50, allowMassDelete: true },
    });
    expect(result.outcome, step.name).toBe('applied');
    expect(result.plan.summary, step.name).toMatchObject(step.summary);
    await after(step, result);
  }
}

/**
 * The text of a statement's outermost WHERE clause with every parenthesised part (sub-
 * queries, IN lists) cut out, so only the conditions that bind the statement itself remain.
 */
function outerWhere(statement: string): string | undefined {
  let depth = 0;
  let top = '';
  for (const ch of statement.replace(/\s+/g, ' ')) {
    if (ch === '(') {
      if (depth === 0) top += '(';
      depth++;
    } else if (ch === ')') {
      depth--;
      if (depth === 0) top += ')';
    } else if (depth === 0) {
      top += ch;
    }
  }
  return /\bwhere\b(.*?)(?:\breturning\b|$)/i.exec(top)?.[1];
}

const WRITES_USERS = /\b(update\s+"?users"?|delete\s+from\s+"?users"?)(?=[\s;]|$)/i;

describe('invariant 1: every UPDATE and DELETE on users carries is_test_user = true and the population in its SQL', () => {
  it('holds for create, update, scale-down, replace, removal with Delete and Retain', async () => {
    await seedProductionUsers(db, PRODUCTION);
    await runSequence(async () => {});

    const writes = statements.filter((s) => WRITES_USERS.test(s.sql));
    const updates = writes.filter((s) => /^\s*update\b/i.test(s.sql));
    const deletes = writes.filter((s) => /^\s*delete\b/i.test(s.sql));
    // Not vacuous: the sequence did update and delete, in several batches.
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(deletes.length).toBeGreaterThanOrEqual(5);

    for (const s of writes) {
      const text = s.sql.replace(/\s+/g, ' ').trim();
      // The write is the statement itself, not hidden in a CTE or a function call.
      expect(text, text).toMatch(/^(update "?users"?|delete from "?users"?)\s/i);
      const where = outerWhere(text);
      expect(where, `no outer WHERE in: ${text}`).toBeDefined();
      expect(where, text).toMatch(/"?is_test_user"?\s*=\s*true\b/i);
      const pop = /"?population"?\s*=\s*\$(\d+)/i.exec(where!);
      expect(pop, `no population = $n in the outer WHERE of: ${text}`).not.toBeNull();
      // Nothing at the top level can widen the guard.
      expect(where, text).not.toMatch(/\bor\b/i);
      expect(POPULATIONS, text).toContain(s.params[Number(pop![1]) - 1]);
    }
    // No other way of writing users rows: no upsert that updates, no truncate.
    for (const s of statements) {
      expect(s.sql, s.sql).not.toMatch(/\btruncate\b/i);
      if (/\binsert\s+into\s+"?users"?/i.test(s.sql)) expect(s.sql, s.sql).not.toMatch(/\bdo\s+update\b/i);
    }
  });
});

describe('invariant 2: production users', () => {
  it('stay byte for byte through every step, and a colliding username is a conflict, never an update', async () => {
    await seedProductionUsers(db, PRODUCTION);
    const snapshot = await productionSnapshot(db);
    await runSequence(async (step, result) => {
      expect(await productionSnapshot(db), step.name).toBe(snapshot);
      expect(result.plan.productionUsers).toBe(PRODUCTION.length);
      const reported = result.plan.populations.flatMap((p) => p.conflicts.sample);
      expect(reported.map((c) => c.username).sort(), step.name).toEqual([...step.conflicts].sort());
      expect(reported.every((c) => c.heldBy === 'production'), step.name).toBe(true);
      expect(result.applied?.lateConflicts, step.name).toBe(0);
      // No test row ever holds a production username, and every managed row is a test user.
      expect(await db.query('SELECT username FROM users WHERE is_test_user AND username = ANY($1)', [PRODUCTION])).toEqual([]);
      // Updates counted only managed rows: each is now current, and none is a production row.
      const [n] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE NOT is_test_user`);
      expect(n!.n).toBe(PRODUCTION.length);
    });
    // The retained population keeps its users; production users are all still there.
    expect(await db.query(`SELECT count(*)::int AS n FROM users WHERE is_test_user AND population = 'inv-r'`)).toEqual([{ n: 7 }]);
    expect(await productionSnapshot(db)).toBe(snapshot);
  });
});

describe('invariant 3: one run converges', () => {
  // Usernames that another population frees in the same plan (by a pattern change or a
  // scale-down) are not conflicts: the deletes run first, so they can be created at once.
  async function twoRuns(first: string[], second: string[]): Promise<{ applied: ReconcileResult; again: ReconcileResult }> {
    const specs = specDir();
    const files = (docs: string[]) => docs.forEach((d, i) => specs.write(`${i}.yaml`, d));
    files(first);
    await reconcile(captured, { state: loadSpecs(specs.dir).state, dryRun: false, env: ENV });
    for (let i = 0; i < first.length; i++) specs.remove(`${i}.yaml`);
    files(second);
    const opts = { state: loadSpecs(specs.dir).state, env: ENV, planOptions: { maxDeletePercent: 50, allowMassDelete: true } };
    const applied = await reconcile(captured, { ...opts, dryRun: false });
    const again = await reconcile(captured, { ...opts, dryRun: true });
    return { applied, again };
  }

  it('when one population changes its pattern and another takes over the old usernames', async () => {
    const { applied, again } = await twoRuns(
      [populationYaml('conv-a', { count: 10, usernamePattern: 'shared_{id}' })],
      [populationYaml('conv-a', { count: 10, usernamePattern: 'conv_a_{id}' }), populationYaml('conv-b', { count: 10, usernamePattern: 'shared_{id}' })],
    );
    expect(applied.plan.summary).toMatchObject({ create: 20, delete: 10, conflicts: 0 });
    expect(await db.query(`SELECT count(*)::int AS n FROM users WHERE population = 'conv-b'`)).toEqual([{ n: 10 }]);
    expect(again.plan.hasChanges).toBe(false);
  });

  it('when one population scales down and another takes over the freed usernames', async () => {
    const { applied, again } = await twoRuns(
      [populationYaml('conv-c', { count: 20, usernamePattern: 'pool_{id}' })],
      [populationYaml('conv-c', { count: 10, usernamePattern: 'pool_{id}' }), populationYaml('conv-d', { count: 10, idStart: 11, usernamePattern: 'pool_{id}' })],
    );
    expect(applied.plan.summary).toMatchObject({ create: 10, delete: 10, conflicts: 0 });
    expect(await db.query(`SELECT count(*)::int AS n FROM users WHERE population = 'conv-d'`)).toEqual([{ n: 10 }]);
    expect(again.plan.hasChanges).toBe(false);
  });
});

describe('invariant 5: no plaintext password in the database or the log', () => {
  const INLINE = 'S3cret-Plain-Value';
  const FROM_ENV = 'Env-Plain-Secret-42';

  function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const { child, exited } = spawnCli(args, { env });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    return exited.then(({ code, stdout, stderr }) => ({ code, stdout, stderr })).finally(() => clearTimeout(timer));
  }

  async function dumpEveryTable(): Promise<string[]> {
    const tables = await db.query<{ t: string }>(
      `SELECT quote_ident(table_name) AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    expect(tables.map((r) => r.t)).toEqual(expect.arrayContaining(['users', 'bulk_populations', 'bulk_reconcile_runs']));
    const out: string[] = [];
    for (const { t } of tables) {
      for (const r of await db.query<{ j: string }>(`SELECT to_jsonb(x)::text AS j FROM public.${t} x`)) out.push(`${t}: ${r.j}`);
    }
    return out;
  }

  it(
    'after in-process and CLI reconciles with password.value and password.fromEnv',
    async () => {
      const logDir = mkdtempSync(path.join(tmpdir(), 'bu-logs-'));
      try {
        const specs = specDir();
        specs.write('inline.yaml', populationYaml('sec-inline', { count: 30, password: { value: INLINE } }));
        specs.write('env.yaml', populationYaml('sec-env', { count: 30, password: { fromEnv: 'SEC_ENV_PW' } }));
        const env = { DATABASE_URL: db.url, SEC_ENV_PW: FROM_ENV, BU_TEST_PASSWORD: 'unused', BULK_USERS_LOG_DIR: logDir };
        const outputs: string[] = [];

        // CLI: create, plan, update (attributes), a refused mass delete, and a no-op.
        const created = await runChild(['reconcile', '--specs', specs.dir, '--yes'], env);
        expect(created.code, created.stderr).toBe(0);
        outputs.push(created.stdout, created.stderr);
        const planned = await runChild(['plan', '--specs', specs.dir, '--output', 'json'], env);
        expect(planned.code, planned.stderr).toBe(0);
        outputs.push(planned.stdout, planned.stderr);
        specs.write('inline.yaml', populationYaml('sec-inline', { count: 30, password: { value: INLINE }, attributes: { x: 1 } }));
        specs.write('env.yaml', populationYaml('sec-env', { count: 30, password: { fromEnv: 'SEC_ENV_PW' }, attributes: { x: 1 } }));
        const updated = await runChild(['reconcile', '--specs', specs.dir, '--yes', '--output', 'json'], env);
        expect(updated.code, updated.stderr).toBe(0);
        expect(JSON.parse(updated.stdout).summary).toMatchObject({ update: 60 });
        outputs.push(updated.stdout, updated.stderr);
        specs.write('inline.yaml', populationYaml('sec-inline', { count: 1, password: { value: INLINE }, attributes: { x: 1 } }));
        specs.write('env.yaml', populationYaml('sec-env', { count: 1, password: { fromEnv: 'SEC_ENV_PW' }, attributes: { x: 1 } }));
        const refused = await runChild(['reconcile', '--specs', specs.dir, '--yes'], env);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('--allow-mass-delete');
        outputs.push(refused.stdout, refused.stderr);
        specs.write('inline.yaml', populationYaml('sec-inline', { count: 30, password: { value: INLINE }, attributes: { x: 1 } }));
        specs.write('env.yaml', populationYaml('sec-env', { count: 30, password: { fromEnv: 'SEC_ENV_PW' }, attributes: { x: 1 } }));
        const noop = await runChild(['reconcile', '--specs', specs.dir, '--yes', '--detailed-exitcode'], env);
        expect(noop.code, noop.stderr).toBe(0);
        outputs.push(noop.stdout, noop.stderr);

        // In-process: a password rotation through reconcile() itself.
        specs.write('env.yaml', populationYaml('sec-env', { count: 30, password: { fromEnv: 'SEC_ENV_PW' }, attributes: { x: 2 } }));
        const rotated = await reconcile(db.database, { state: loadSpecs(specs.dir).state, dryRun: false, env: { SEC_ENV_PW: FROM_ENV } });
        expect(rotated.plan.summary.update).toBe(30);

        // Passwords are stored, as scrypt hashes.
        expect(await db.query(`SELECT count(*)::int AS n FROM users WHERE is_test_user AND password_hash LIKE 'scrypt$%'`)).toEqual([{ n: 60 }]);

        const dump = await dumpEveryTable();
        expect(dump.length).toBeGreaterThan(60);
        for (const line of dump) {
          expect(line).not.toContain(INLINE);
          expect(line).not.toContain(FROM_ENV);
        }

        const log = readFileSync(path.join(logDir, 'bulk_user_management.log'), 'utf8');
        expect(log).not.toContain(INLINE);
        expect(log).not.toContain(FROM_ENV);
        const lines = log.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(lines.filter((l) => typeof l.execution_time === 'number').length).toBeGreaterThan(3);
        expect(lines.some((l) => l.msg === 'reconcile applied')).toBe(true);
        expect(lines.some((l) => l.msg === 'reconcile did not complete')).toBe(true);

        for (const o of outputs) {
          expect(o).not.toContain(INLINE);
          expect(o).not.toContain(FROM_ENV);
        }
      } finally {
        rmSync(logDir, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
