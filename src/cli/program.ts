import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { LockTimeoutError } from '../db/advisoryLock.ts';
import { stopEmbeddedPostgres } from '../db/embeddedPostgres.ts';
import { DatabaseUnavailableError, openDatabase, redactUrl } from '../db/openDatabase.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { DEFAULT_PLAN_OPTIONS } from '../plan/planReconcile.ts';
import { ConfirmationRequiredError, OperatorError } from '../reconcile/errors.ts';
import { reconcile } from '../reconcile/reconcile.ts';
import { buildDesiredState, readSpecSources } from '../spec/loadSpecs.ts';
import { lifecycleWarnings } from '../spec/lifecycleWarnings.ts';
import { formatProblem, SpecValidationError } from '../spec/SpecProblem.ts';
import { askYes } from './confirm.ts';
import { registerLoadTesterCommand } from './loadTesterCommand.ts';
import { createProgressReporter } from './progressBar.ts';
import { colors, plain, planToJson, renderPlan } from './renderPlan.ts';

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Standard input and error are an interactive terminal (prompts, progress bar, colour). */
  interactive: boolean;
  logger?: Logger;
}

/** Exit codes of DESIGN §6. */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

interface PlanFlags {
  specs: string;
  output: 'text' | 'json';
  detailedExitcode?: boolean;
  allowMassDelete?: boolean;
  maxDeletePercent: number;
  yes?: boolean;
  dryRun?: boolean;
  lockTimeout: number;
}

function addPlanOptions(cmd: Command): Command {
  return cmd
    .option('--specs <dir>', 'spec directory or file', 'specs')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .option('--allow-mass-delete', 'allow a plan that deletes all managed users or more than --max-delete-percent of them')
    .option('--max-delete-percent <n>', 'largest share of managed users one run may delete', (v) => parsePercent(v), DEFAULT_PLAN_OPTIONS.maxDeletePercent);
}

function parsePercent(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new OperatorError(`--max-delete-percent must be a number from 0 to 100 (got "${v}")`, 'bad_flag');
  return n;
}

function parseSeconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new OperatorError(`--lock-timeout must be a number of seconds (got "${v}")`, 'bad_flag');
  return n;
}

/** Runs one CLI invocation and returns its exit code; never calls process.exit. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let exitCode: number = EXIT.ok;
  // Readable warnings on a terminal; without one the log file has them and stderr keeps
  // only the CLI's own messages.
  const logger = io.logger ?? createLogger({ stderr: io.interactive, file: path.resolve(io.env.BULK_USERS_LOG_DIR ?? 'logs', 'bulk_user_management.log') });
  const style = io.interactive && !io.env.NO_COLOR ? colors : plain;

  const program = new Command('bulk-users')
    .description('Declarative test-user populations for PostgreSQL and load-test tools')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('validate')
    .description('check every spec; one line per problem: file:line:col: message (hint)')
    .option('--specs <dir>', 'spec directory or file', 'specs')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action((flags: { specs: string; output: string }) => {
      const result = buildDesiredState(readSpecSources(flags.specs));
      const errors = result.problems.filter((p) => p.severity === 'error');
      if (errors.length === 0) result.problems.push(...lifecycleWarnings(result.state));
      const warnings = result.problems.filter((p) => p.severity === 'warning');
      if (flags.output === 'json') {
        io.stdout(JSON.stringify({ valid: errors.length === 0, errors, warnings }, null, 2) + '\n');
      } else {
        for (const p of result.problems) (p.severity === 'error' ? io.stderr : io.stdout)(formatProblem(p) + '\n');
        if (errors.length === 0) {
          io.stdout(`${result.state.populations.length} population(s) and ${result.state.targets.length} sync target(s) valid in ${flags.specs}\n`);
        }
      }
      exitCode = errors.length ? EXIT.error : EXIT.ok;
    });

  const runPlanOrApply = async (flags: PlanFlags, dryRun: boolean): Promise<void> => {
    const sources = readSpecSources(flags.specs);
    const built = buildDesiredState(sources);
    if (built.problems.some((p) => p.severity === 'error')) throw new SpecValidationError(built.problems);
    for (const w of built.problems) io.stderr(formatProblem(w) + '\n');

    const database = await openDatabase({ env: io.env });
    const progress = createProgressReporter(io.interactive && !dryRun && flags.output === 'text');
    try {
      const result = await reconcile(database, {
        state: built.state,
        dryRun,
        trigger: 'cli',
        planOptions: { maxDeletePercent: flags.maxDeletePercent, allowMassDelete: Boolean(flags.allowMassDelete) },
        lockTimeoutMs: flags.lockTimeout * 1000,
        logger,
        env: io.env,
        onPlan: (plan) => {
          if (flags.output === 'text') io.stdout(renderPlan(plan, style) + '\n');
        },
        ...(flags.yes
          ? {}
          : {
              confirm: async (plan) => {
                if (!io.interactive) throw new ConfirmationRequiredError(plan.summary.delete);
                return askYes(`\nThe plan deletes ${plan.summary.delete} user(s). Do you want to perform these actions?`);
              },
            }),
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      }).finally(() => progress.stop());

      if (flags.output === 'json') {
        io.stdout(
          JSON.stringify({ ...planToJson(result.plan), outcome: result.outcome, applied: result.applied ?? null, sync: result.sync, executionTime: result.executionTime }, null, 2) + '\n',
        );
      } else if (result.outcome === 'applied' || result.outcome === 'partial') {
        const a = result.applied!;
        for (const t of result.sync) {
          io.stdout(t.error ? `  ${style.red('✗')} target "${t.target}": ${t.error}\n` : `  ${style.green('✓')} target "${t.target}": ${t.upserted} sent, ${t.deleted} deleted\n`);
        }
        io.stdout(
          `\n${result.outcome === 'partial' ? style.yellow('Apply incomplete:') : style.green('Apply complete!')} ${a.created} created, ${a.updated} updated, ${a.deleted} deleted` +
            (a.lateConflicts ? `, ${a.lateConflicts} skipped (username taken during apply)` : '') +
            ` in ${result.executionTime.toFixed(2)}s.\n`,
        );
      } else if (result.outcome === 'cancelled') {
        io.stdout('\nApply cancelled.\n');
      }
      for (const t of result.sync.filter((t) => t.error)) io.stderr(`Error: ${t.error}; the next run resumes it\n`);
      if (result.outcome === 'cancelled' || result.outcome === 'partial') exitCode = EXIT.error;
      else exitCode = flags.detailedExitcode && result.plan.hasChanges ? EXIT.changes : EXIT.ok;
    } finally {
      await database.close();
    }
  };

  addPlanOptions(program.command('plan').description('show what reconcile would change; writes nothing (same as reconcile --dry-run)')).action(
    (flags: PlanFlags) => runPlanOrApply({ ...flags, lockTimeout: 0 }, true),
  );

  addPlanOptions(program.command('reconcile').description('make the database match the specs'))
    .option('--dry-run', 'only show the plan')
    .option('-y, --yes', 'apply without asking, even when the plan deletes users (CI, cron)')
    .option('--lock-timeout <seconds>', 'how long to wait for another reconcile to finish', parseSeconds, 30)
    .action((flags: PlanFlags) => runPlanOrApply(flags, Boolean(flags.dryRun)));

  registerLoadTesterCommand(program, { stdout: io.stdout, env: io.env, logger });

  const dbCmd = program.command('db').description('the embedded PostgreSQL (used when DATABASE_URL is not set)');
  dbCmd
    .command('start')
    .description('start it (commands start it on demand anyway) and print its URL without the password')
    .action(async () => {
      const database = await openDatabase({ env: { ...io.env, DATABASE_URL: '' } });
      await database.close();
      io.stdout(`${redactUrl(database.url)}\n`);
    });
  dbCmd
    .command('stop')
    .description('stop the embedded PostgreSQL')
    .action(async () => {
      const stopped = await stopEmbeddedPostgres(path.resolve(io.env.BULK_USERS_DATA_DIR ?? '.data'));
      io.stdout(stopped ? 'embedded PostgreSQL stopped\n' : 'embedded PostgreSQL was not running\n');
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    exitCode = reportError(err, io, logger);
  }
  return exitCode;
}

/** Operator mistakes and refusals get their message; only real bugs mention a stack (in the log). */
function reportError(err: unknown, io: CliIO, logger: Logger): number {
  if (err instanceof CommanderError) {
    return err.exitCode === 0 ? EXIT.ok : EXIT.error;
  }
  if (err instanceof SpecValidationError) {
    for (const p of err.problems) io.stderr(formatProblem(p) + '\n');
    const n = err.problems.filter((p) => p.severity === 'error').length;
    io.stderr(`${n} error(s); nothing was written.\n`);
    return EXIT.error;
  }
  if (err instanceof OperatorError || err instanceof LockTimeoutError || err instanceof DatabaseUnavailableError) {
    io.stderr(`Error: ${err.message}\n`);
    return EXIT.error;
  }
  logger.error({ err }, 'unexpected error');
  io.stderr(`Error: ${err instanceof Error ? err.message : String(err)}\n(unexpected; details are in the log file)\n`);
  if (io.env.BULK_USERS_DEBUG && err instanceof Error) io.stderr(`${err.stack}\n`);
  return EXIT.error;
}
