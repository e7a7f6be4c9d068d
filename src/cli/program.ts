// Only commander and what every command needs are imported here: each action imports
// its own dependencies (the database, reconcile, the HTTP stack), so `--help` and
// `validate` start without loading them.
import { Command, CommanderError, Option } from 'commander';
import type { OpenDatabase } from '../db/openDatabase.ts';
import type { Logger } from '../log/logger.ts';
import { ConfirmationRequiredError, OperatorError } from '../reconcile/errors.ts';
import { formatProblem, SpecValidationError } from '../spec/SpecProblem.ts';
import type { Plan } from '../plan/Plan.ts';
import type { DesiredState } from '../spec/DesiredState.ts';
import { registerLifecycleCommands } from './lifecycleCommands.ts';
import { registerLoadTesterCommand } from './loadTesterCommand.ts';
import { registerServeCommand } from './serveCommand.ts';
import { registerApiKeyCommand } from './apiKeyCommand.ts';
import { registerAdminCommand } from './adminCommand.ts';
import { registerStatusCommand } from './statusCommand.ts';
import { registerDoctorCommand } from './doctorCommand.ts';
import { colors, plain } from './renderPlan.ts';
import { describeWriteStreams } from '../apply/writeStreams.ts';

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Standard input and error are an interactive terminal (prompts, progress bar, colour). */
  interactive: boolean;
  logger?: Logger;
}

/** Exit codes (docs/design.md, "Exit codes"). */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

interface PlanFlags {
  specs: string;
  output: 'text' | 'json';
  detailedExitcode?: boolean;
  allowMassDelete?: boolean;
  maxDeletePercent?: number;
  yes?: boolean;
  renew?: string[];
  dryRun?: boolean;
  verify?: boolean;
  lockTimeout: number;
}

function addPlanOptions(cmd: Command): Command {
  return cmd
    .option('--specs <dir>', 'spec directory or file', 'specs')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .option('--allow-mass-delete', 'allow a plan that deletes all managed users or more than --max-delete-percent of them')
    .option('--max-delete-percent <n>', 'largest share of managed users one run may delete (default: the ReconcilerConfig spec, else 50)', (v) => parsePercent(v));
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
  let logger = io.logger;
  const openLog = async (): Promise<Logger> => {
    if (!logger) {
      const { createLogger, defaultLogFile } = await import('../log/logger.ts');
      logger = createLogger({ stderr: io.interactive, file: defaultLogFile(io.env), env: io.env });
    }
    return logger;
  };
  /** The logger for actions; the preAction hook below has opened it. */
  const log = (): Logger => logger!;
  const style = io.interactive && !io.env.NO_COLOR ? colors : plain;

  const program = new Command('bulk-users')
    .description('Declarative test-user populations for PostgreSQL and load-test tools')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)')
    // pino and the log file only for commands that may log: not --help, not validate.
    .hook('preAction', async (_program, action) => {
      if (action.name() !== 'validate') await openLog();
    });

  program
    .command('validate')
    .description('check every spec; one line per problem: file:line:col: message (hint)')
    .option('--specs <dir>', 'spec directory or file', 'specs')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (flags: { specs: string; output: string }) => {
      const { readSpecSources } = await import('../spec/loadSpecs.ts');
      const { validateSpecs } = await import('../spec/validateSpecs.ts');
      const { result, errors, warnings } = validateSpecs(readSpecSources(flags.specs));
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

  /**
   * Opens the database with the whole desired state: the spec files (checked before the
   * database is touched, so broken specs write nothing, not even a migration) plus the
   * populations created through the API, as the server sees them. Warnings go to stderr.
   */
  const withState = async <T>(specs: string, fn: (database: OpenDatabase, state: DesiredState) => Promise<T>): Promise<T> => {
    const { buildDesiredState, readSpecSources } = await import('../spec/loadSpecs.ts');
    const { withDatabase } = await import('../db/openDatabase.ts');
    const { loadDesiredState } = await import('../reconcile/loadDesiredState.ts');
    const files = readSpecSources(specs);
    const checked = buildDesiredState(files);
    if (checked.problems.some((p) => p.severity === 'error')) throw new SpecValidationError(checked.problems);
    return withDatabase(io.env, async (database) => {
      const loaded = await loadDesiredState({ db: database.db, specsDir: specs, files, env: io.env });
      for (const w of loaded.warnings) io.stderr(formatProblem(w) + '\n');
      return fn(database, loaded.state);
    });
  };
  /** Asks on a terminal before deleting; refuses without one unless --yes (or the config does not require it). */
  const confirmer = (yes: boolean | undefined, state: DesiredState) =>
    yes || state.config?.confirmationRequired === false
      ? {}
      : {
          confirm: async (plan: Plan) => {
            const deletes = plan.summary.delete + plan.summary.syncDelete;
            if (!io.interactive) throw new ConfirmationRequiredError(deletes);
            const { askYes } = await import('./confirm.ts');
            return askYes(`\nThe plan deletes ${deletes} user(s) or record(s). Do you want to perform these actions?`);
          },
        };

  const runPlanOrApply = (flags: PlanFlags, dryRun: boolean): Promise<void> =>
    withState(flags.specs, async (database, state) => {
      const { reconcile } = await import('../reconcile/reconcile.ts');
      const { planOptionsFor } = await import('../plan/planReconcile.ts');
      const { createProgressReporter } = await import('./progressBar.ts');
      const { planToJson, renderPlan } = await import('./renderPlan.ts');
      const unknown = (flags.renew ?? []).filter((n) => !state.populations.some((p) => p.name === n));
      if (unknown.length) throw new OperatorError(`--renew: no population named ${unknown.map((n) => `"${n}"`).join(', ')} in the specs`, 'bad_flag');
      if (flags.verify) {
        const { verifyUserSummary } = await import('../db/userSummary.ts');
        const checked = await verifyUserSummary(database.db);
        io.stderr(checked.rebuilt ? `Users summary: ${checked.differences} group(s) differed from a fresh count; rebuilt\n` : 'Users summary: equal to a fresh count\n');
      }
      const progress = createProgressReporter(io.interactive && !dryRun && flags.output === 'text');
      const result = await reconcile(database, {
        state,
        dryRun,
        trigger: 'cli',
        planOptions: planOptionsFor(state, flags),
        ...(flags.renew?.length ? { renew: new Set(flags.renew) } : {}),
        lockTimeoutMs: flags.lockTimeout * 1000,
        logger: log(),
        env: io.env,
        onPlan: (plan) => {
          if (flags.output === 'text') io.stdout(renderPlan(plan, style) + '\n');
        },
        ...confirmer(flags.yes, state),
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      }).finally(() => progress.stop());

      if (flags.output === 'json') {
        io.stdout(
          JSON.stringify({ ...planToJson(result.plan), outcome: result.outcome, applied: result.applied ?? null, sync: result.sync, executionTime: result.executionTime }, null, 2) + '\n',
        );
      } else if (result.outcome === 'applied' || result.outcome === 'partial') {
        const a = result.applied!;
        for (const t of result.sync) {
          io.stdout(
            t.error
              ? `  ${style.red('✗')} target "${t.target}": ${t.error}\n`
              : t.skipped
                ? `  ${style.yellow('!')} target "${t.target}" (optional): unreachable, skipped; its records stay pending\n`
                : `  ${style.green('✓')} target "${t.target}": ${t.upserted} sent, ${t.deleted} deleted\n`,
          );
        }
        io.stdout(
          `\n${result.outcome === 'partial' ? style.yellow('Apply incomplete:') : style.green('Apply complete!')} ${a.created} created, ${a.updated} updated, ${a.deleted} deleted` +
            (a.lateConflicts ? `, ${a.lateConflicts} skipped (username taken during apply)` : '') +
            ` in ${result.executionTime.toFixed(2)}s.\n`,
        );
        if (a.writeStreams?.measured) io.stdout(`  ${describeWriteStreams(a.writeStreams)}\n`);
      } else if (result.outcome === 'cancelled') {
        io.stdout('\nApply cancelled.\n');
      }
      for (const t of result.sync.filter((t) => t.error)) io.stderr(`Error: ${t.error}; the next run resumes it\n`);
      for (const t of result.sync.filter((t) => t.skipped)) io.stderr(`Warning: optional target "${t.target}" is unreachable (${t.skipped}); its records stay pending and the next run sends them\n`);
      if (result.outcome === 'cancelled' || result.outcome === 'partial') exitCode = EXIT.error;
      else exitCode = flags.detailedExitcode && result.plan.hasChanges ? EXIT.changes : EXIT.ok;
    });

  addPlanOptions(program.command('plan').description('show what reconcile would change; writes nothing (same as reconcile --dry-run)')).action(
    (flags: PlanFlags) => runPlanOrApply({ ...flags, lockTimeout: 0 }, true),
  );

  addPlanOptions(program.command('reconcile').description('make the database match the specs'))
    .option('--dry-run', 'only show the plan')
    .option('-y, --yes', 'apply without asking, even when the plan deletes users (CI, cron)')
    .option('--lock-timeout <seconds>', 'how long to wait for another reconcile to finish', parseSeconds, 30)
    .option('--renew <name>', 'restart the lease of a population (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--verify', 'first compare the per-population users summary with a fresh count of the users table (one pass; writers wait meanwhile) and rebuild it if they differ')
    .action((flags: PlanFlags) => runPlanOrApply(flags, Boolean(flags.dryRun)));

  registerLifecycleCommands(program, { io, get logger() { return log(); }, style, withState, confirmer, setExitCode: (c) => (exitCode = c) });

  registerLoadTesterCommand(program, { stdout: io.stdout, env: io.env, get logger() { return log(); } });
  registerServeCommand(program, { stdout: io.stdout, env: io.env, get logger() { return log(); } });
  registerApiKeyCommand(program, { stdout: io.stdout, stderr: io.stderr, env: io.env });
  registerAdminCommand(program, { stdout: io.stdout, env: io.env });
  registerStatusCommand(program, { stdout: io.stdout, env: io.env, style });
  registerDoctorCommand(program, { stdout: io.stdout, env: io.env, style, setExitCode: (c) => (exitCode = c) });

  const dbCmd = program.command('db').description('the embedded PostgreSQL (used when DATABASE_URL is not set)');
  dbCmd
    .command('start')
    .description('start it (commands start it on demand anyway) and print its URL without the password')
    .action(async () => {
      const { openDatabase, redactUrl } = await import('../db/openDatabase.ts');
      const database = await openDatabase({ env: { ...io.env, DATABASE_URL: '' } });
      await database.close();
      io.stdout(`${redactUrl(database.url)}\n`);
    });
  dbCmd
    .command('url')
    .description('print the connection URL, password included, for psql, pg_dump and pg_restore (DATABASE_URL when set, else the embedded server, started if needed)')
    .action(async () => {
      const { resolveDatabaseUrl } = await import('../db/openDatabase.ts');
      io.stdout(`${(await resolveDatabaseUrl(io.env)).url}\n`);
    });
  dbCmd
    .command('stop')
    .description('stop the embedded PostgreSQL')
    .action(async () => {
      const { stopEmbeddedPostgres } = await import('../db/embeddedPostgres.ts');
      const { dataDirectory } = await import('../dataDirectory.ts');
      const stopped = await stopEmbeddedPostgres(dataDirectory(io.env));
      io.stdout(stopped ? 'embedded PostgreSQL stopped\n' : 'embedded PostgreSQL was not running\n');
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    exitCode = await reportError(err, io, openLog);
  }
  return exitCode;
}

/** Operator mistakes and refusals get their message; only real bugs mention a stack (in the log). */
async function reportError(err: unknown, io: CliIO, openLog: () => Promise<Logger>): Promise<number> {
  if (err instanceof CommanderError) {
    return err.exitCode === 0 ? EXIT.ok : EXIT.error;
  }
  if (err instanceof SpecValidationError) {
    for (const p of err.problems) io.stderr(formatProblem(p) + '\n');
    const n = err.problems.filter((p) => p.severity === 'error').length;
    io.stderr(`${n} error(s); nothing was written.\n`);
    return EXIT.error;
  }
  if (err instanceof OperatorError || (await isDatabaseRefusal(err))) {
    io.stderr(`Error: ${(err as Error).message}\n`);
    return EXIT.error;
  }
  (await openLog()).error({ err }, 'unexpected error');
  io.stderr(`Error: ${err instanceof Error ? err.message : String(err)}\n(unexpected; details are in the log file)\n`);
  if (io.env.BULK_USERS_DEBUG && err instanceof Error) io.stderr(`${err.stack}\n`);
  return EXIT.error;
}

/** A lock timeout or an unreachable database: their modules load only here (and were loaded if they threw). */
async function isDatabaseRefusal(err: unknown): Promise<boolean> {
  const { LockTimeoutError } = await import('../db/advisoryLock.ts');
  const { DatabaseUnavailableError } = await import('../db/openDatabase.ts');
  return err instanceof LockTimeoutError || err instanceof DatabaseUnavailableError;
}
