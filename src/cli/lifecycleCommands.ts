import { Command, Option } from 'commander';
import type { OpenDatabase } from '../db/openDatabase.ts';
import type { Logger } from '../log/logger.ts';
import type { Plan } from '../plan/Plan.ts';
import type { DesiredState } from '../spec/DesiredState.ts';
import type { CliIO } from './program.ts';
import { renderPlan, planToJson, type Style } from './renderPlan.ts';

export interface LifecycleContext {
  io: CliIO;
  logger: Logger;
  style: Style;
  /** Opens the database with the whole desired state (spec files and API populations). */
  withState<T>(specs: string, fn: (database: OpenDatabase, state: DesiredState) => Promise<T>): Promise<T>;
  confirmer(yes: boolean | undefined, state: DesiredState): { confirm?: (plan: Plan) => Promise<boolean> };
  setExitCode(code: number): void;
}

/** identify, cleanup, adopt and runs: thin shells over reconcile/identify, cleanup, adopt and the run records. */
export function registerLifecycleCommands(program: Command, ctx: LifecycleContext): void {
  const { io } = ctx;

  program
    .command('identify')
    .description('classify every row of users: managed, expired, orphaned, unmanaged test users, look-alikes, production')
    .option('--specs <dir>', 'spec directory or file', 'specs')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (flags: { specs: string; output: string }) => {
      const { identify } = await import('../reconcile/identify.ts');
      const report = await ctx.withState(flags.specs, (d, state) => identify(d.db, state));
      if (flags.output === 'json') {
        io.stdout(JSON.stringify(report, null, 2) + '\n');
        return;
      }
      for (const c of report.classes) {
        io.stdout(`  ${c.class.padEnd(15)} ${(c.population ?? '').padEnd(24)} ${String(c.count).padStart(9)}  e.g. ${c.sample.join(', ')}\n`);
      }
      io.stdout(`\nCleanup candidates: ${report.candidates.map((c) => `${c.count} ${c.reason}${c.population ? ` (${c.population})` : ''}`).join(', ') || 'none'}.\n`);
    });

  program
    .command('cleanup')
    .description('delete cleanup candidates only (expired, orphaned; unmanaged test users with strictMode off), from the database and targets')
    .option('--specs <dir>', 'spec directory or file', 'specs')
    .option('--population <name>', 'one expired or orphaned population')
    .option('--all-expired', 'every expired population')
    .option('--orphans', 'every orphaned population (spec removed, deletionPolicy Retain)')
    .option('--unmanaged', 'rows marked is_test_user that no population owns (needs strictMode: false)')
    .option('--dry-run', 'only show what would be deleted')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--allow-mass-delete', 'allow deleting all managed users or more than --max-delete-percent of them')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(
      async (flags: { specs: string; population?: string; allExpired?: boolean; orphans?: boolean; unmanaged?: boolean; dryRun?: boolean; yes?: boolean; allowMassDelete?: boolean; output: string }) => {
        const { cleanup } = await import('../reconcile/cleanup.ts');
        const { planOptionsFor } = await import('../plan/planReconcile.ts');
        const result = await ctx.withState(flags.specs, (database, state) =>
          cleanup(database, {
            state,
            dryRun: Boolean(flags.dryRun),
            selection: {
              ...(flags.population ? { population: flags.population } : {}),
              allExpired: Boolean(flags.allExpired),
              orphans: Boolean(flags.orphans),
              unmanaged: Boolean(flags.unmanaged),
            },
            planOptions: planOptionsFor(state, flags),
            logger: ctx.logger,
            env: io.env,
            trigger: 'cli',
            ...ctx.confirmer(flags.yes, state),
          }),
        );
        if (flags.output === 'json') {
          io.stdout(JSON.stringify({ ...planToJson(result.plan), outcome: result.outcome, deleted: result.deleted, sync: result.sync, candidates: result.candidates }, null, 2) + '\n');
        } else {
          io.stdout(renderPlan(result.plan, ctx.style) + '\n');
          for (const t of result.sync) io.stdout(t.error ? `  ✗ target "${t.target}": ${t.error}\n` : `  ✓ target "${t.target}": ${t.deleted} deleted\n`);
          if (result.outcome === 'applied') io.stdout(`\nCleanup complete: ${result.deleted} user(s) deleted.\n`);
          if (result.outcome === 'partial') io.stderr(`Error: cleanup incomplete; see the target errors above. The next cleanup resumes it.\n`);
          if (result.outcome === 'cancelled') io.stdout('\nCleanup cancelled.\n');
        }
        if (result.outcome === 'partial' || result.outcome === 'cancelled') ctx.setExitCode(1);
      },
    );

  program
    .command('adopt')
    .description('put rows marked is_test_user without a population, whose usernames match a population, under its management')
    .requiredOption('--population <name>', 'the declared population that adopts them')
    .option('--specs <dir>', 'spec directory or file', 'specs')
    .option('--dry-run', 'only count them')
    .action(async (flags: { population: string; specs: string; dryRun?: boolean }) => {
      const { adopt } = await import('../reconcile/adopt.ts');
      const { adopted } = await ctx.withState(flags.specs, (database, state) => adopt(database, state, flags.population, { dryRun: Boolean(flags.dryRun) }));
      io.stdout(flags.dryRun ? `${adopted} row(s) would be adopted by "${flags.population}".\n` : `${adopted} row(s) adopted by "${flags.population}"; the next reconcile updates their content.\n`);
    });

  program
    .command('runs')
    .description('recent applying runs, their outcome, and what each deleted')
    .option('--limit <n>', 'how many', (v) => Math.max(1, Math.min(1000, Number(v) || 20)), 20)
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (flags: { limit: number; output: string }) => {
      const { withDatabase } = await import('../db/openDatabase.ts');
      const { listRunDeletions } = await import('../db/runDeletions.ts');
      const rows = await withDatabase(io.env, async ({ db }) => {
        const runs = await db.selectFrom('bulk_reconcile_runs').selectAll().orderBy('id', 'desc').limit(flags.limit).execute();
        const audit = await listRunDeletions(db, runs.map((r) => Number(r.id)));
        return runs.map((r) => ({ ...r, deletions: audit.filter((a) => a.runId === Number(r.id)).map((a) => ({ rule: a.rule, population: a.population, count: a.count, actor: a.actor })) }));
      });
      if (flags.output === 'json') {
        io.stdout(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      for (const r of rows) {
        const s = r.summary as { create?: number; update?: number; delete?: number } | null;
        const del = r.deletions.map((d) => `${d.count} ${d.rule}${d.population ? ` ${d.population}` : ''}`).join(', ');
        io.stdout(
          `#${r.id}  ${r.started_at.toISOString()}  ${r.trigger.padEnd(8)} ${r.outcome.padEnd(11)} ` +
            `${s ? `+${s.create ?? 0} ~${s.update ?? 0} -${s.delete ?? 0}` : ''}${r.execution_ms !== null ? `  ${(r.execution_ms / 1000).toFixed(2)}s` : ''}` +
            `${del ? `  deleted: ${del}` : ''}${r.error ? `  error: ${r.error}` : ''}\n`,
        );
      }
    });
}
