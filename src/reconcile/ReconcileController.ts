import { LeaderLock } from '../db/leaderLock.ts';
import type { OpenDatabase } from '../db/openDatabase.ts';
import type { Logger } from '../log/logger.ts';
import { planOptionsFor } from '../plan/planReconcile.ts';
import { formatProblem, SpecValidationError, type SpecProblem } from '../spec/SpecProblem.ts';
import type { SyncTargetDriver } from '../targets/SyncTargetDriver.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoffDelay.ts';
import { classifyFailure, TargetSyncFailedError } from './classifyFailure.ts';
import { DesiredStateKeeper } from './DesiredStateKeeper.ts';
import { reconcile } from './reconcile.ts';
import type { RunTrigger } from './runs.ts';
import { startCronSchedule, type CronSchedule } from './startCronSchedule.ts';
import { watchSpecs, type SpecWatcher } from './watchSpecs.ts';

export interface ControllerOptions {
  database: OpenDatabase;
  specsDir: string;
  env: NodeJS.ProcessEnv;
  /** Opens the passwords of API populations. */
  secretKey: Buffer;
  logger: Logger;
  /** Names this replica (runs' actor, the leader lock's connection): host:pid by default. */
  identity: string;
  /** Cron expression (five fields, or six with seconds); none: no scheduled runs. */
  schedule?: string;
  timezone?: string;
  /** Longest random delay before a scheduled run (default 5 s). */
  jitterMs?: number;
  /** Reconcile when spec files change (and when this replica becomes the leader). */
  watch?: boolean;
  /** Quiet time after the last spec change before reconciling (default 1 s). */
  watchDebounceMs?: number;
  /** How often a follower tries to become the leader (default 1.5 s). */
  leaderRetryMs?: number;
  /** How long a run waits for another applying reconciler (default 30 s). */
  lockTimeoutMs?: number;
  backoff?: BackoffOptions;
  baseDir?: string;
  /** Tests: drivers instead of building them from the specs. */
  drivers?: ReadonlyMap<string, SyncTargetDriver>;
  /** Tests: the lease clock. */
  now?: () => Date;
}

export interface ControllerAttempt {
  trigger: RunTrigger;
  startedAt: string;
  finishedAt: string;
  outcome: string;
  runId?: string;
  reason?: string;
  error?: string;
}

/** What the API shows of this replica's controller. */
export interface ControllerView {
  replica: string;
  leader: boolean;
  leaderSince: string | null;
  schedule: string | null;
  timezone: string | null;
  nextScheduledRun: string | null;
  watching: string | null;
  running: { trigger: RunTrigger; startedAt: string } | null;
  lastAttempt: ControllerAttempt | null;
  retry: { attempt: number; at: string; trigger: RunTrigger; reason: string } | null;
  skippedTicks: number;
  specErrors: SpecProblem[];
  specsValidSince: string | null;
}

/** Why a run stopped early: the server is shutting down. */
export class ControllerStoppedError extends Error {
  constructor() {
    super('the server is shutting down; the run stopped at a batch boundary and the next reconcile completes it');
    this.name = 'ControllerStoppedError';
  }
}

/**
 * Continuous reconciliation for `serve`, like a Kubernetes controller: the leader among
 * replicas (LeaderLock) reconciles on a cron schedule and when spec files change; one run
 * at a time (a tick during a run is skipped, a spec change during a run is queued for
 * right after it); a failed run is requeued with exponential backoff when trying again
 * can help, and left for the next tick or spec change when the operator must act; spec
 * files that stop validating leave the last valid ones in force. stop() starts no new
 * run, stops the current one at its next batch boundary and gives up the leadership.
 */
export class ReconcileController {
  private readonly leaderLock: LeaderLock;
  private readonly keeper: DesiredStateKeeper;
  private readonly abort = new AbortController();
  private readonly backoff: BackoffOptions;
  private cron: CronSchedule | undefined;
  private watcher: SpecWatcher | undefined;
  private running: { trigger: RunTrigger; startedAt: Date; done: Promise<void> } | undefined;
  private queued: RunTrigger | undefined;
  private retry: { timer: NodeJS.Timeout; attempt: number; at: Date; trigger: RunTrigger; reason: string } | undefined;
  private failures = 0;
  private stopping = false;
  private lastAttempt: ControllerAttempt | undefined;
  private skipped = 0;

  constructor(private readonly opts: ControllerOptions) {
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.keeper = new DesiredStateKeeper({ db: opts.database.db, specsDir: opts.specsDir, env: opts.env, secretKey: opts.secretKey });
    this.leaderLock = new LeaderLock({
      url: opts.database.url,
      identity: opts.identity,
      logger: opts.logger,
      retryMs: opts.leaderRetryMs ?? 1500,
      onChange: (leader) => this.onLeadership(leader),
    });
  }

  get isLeader(): boolean {
    return this.leaderLock.isLeader;
  }

  async start(): Promise<void> {
    if (this.opts.schedule) {
      this.cron = startCronSchedule(this.opts.schedule, {
        ...(this.opts.timezone ? { timezone: this.opts.timezone } : {}),
        jitterMs: this.opts.jitterMs ?? 5000,
        logger: this.opts.logger,
        onTick: () => this.onTick(),
        onOverlap: () => this.skipTick(),
      });
    }
    if (this.opts.watch) {
      this.watcher = watchSpecs(this.opts.specsDir, { debounceMs: this.opts.watchDebounceMs ?? 1000, logger: this.opts.logger, onChange: (files) => this.onSpecChange(files) });
      await this.watcher.ready;
    }
    this.leaderLock.start();
    this.opts.logger.info(
      { replica: this.opts.identity, schedule: this.opts.schedule ?? null, timezone: this.opts.timezone ?? null, watch: this.opts.watch ? this.opts.specsDir : null },
      'continuous reconciliation started',
    );
  }

  /** No new runs; the current one stops at its next batch boundary; the leader lock is released. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopping) return this.running?.done;
    this.stopping = true;
    this.cancelRetry();
    await this.cron?.stop();
    await this.watcher?.close();
    this.abort.abort(new ControllerStoppedError());
    await this.running?.done;
    await this.leaderLock.stop();
  }

  view(): ControllerView {
    const iso = (d: Date | undefined | null): string | null => (d ? d.toISOString() : null);
    return {
      replica: this.opts.identity,
      leader: this.leaderLock.isLeader,
      leaderSince: iso(this.leaderLock.leaderSince),
      schedule: this.opts.schedule ?? null,
      timezone: this.opts.timezone ?? null,
      nextScheduledRun: iso(this.cron?.nextRun()),
      watching: this.opts.watch ? this.opts.specsDir : null,
      running: this.running ? { trigger: this.running.trigger, startedAt: this.running.startedAt.toISOString() } : null,
      lastAttempt: this.lastAttempt ?? null,
      retry: this.retry ? { attempt: this.retry.attempt, at: this.retry.at.toISOString(), trigger: this.retry.trigger, reason: this.retry.reason } : null,
      skippedTicks: this.skipped,
      specErrors: this.keeper.specProblems ?? [],
      specsValidSince: iso(this.keeper.validSince),
    };
  }

  private onLeadership(leader: boolean): void {
    if (!leader) {
      // A retry is the leader's business; the new leader reconciles anyway.
      this.cancelRetry();
      return;
    }
    // Spec changes made while this replica followed were not reconciled by it: catch up.
    if (this.opts.watch) this.request('watch');
  }

  private async onTick(): Promise<void> {
    if (this.stopping || !this.leaderLock.isLeader) return;
    if (this.running) {
      this.skipTick();
      return;
    }
    await this.run('schedule');
  }

  private skipTick(): void {
    this.skipped++;
    this.opts.logger.info({ running: this.running?.trigger, since: this.running?.startedAt.toISOString(), skipped_ticks: this.skipped }, 'scheduled reconcile skipped: the previous run is still going');
  }

  private onSpecChange(files: string[]): void {
    this.opts.logger.info({ files, leader: this.leaderLock.isLeader }, 'spec files changed');
    if (this.leaderLock.isLeader) this.request('watch');
  }

  /** Runs now, or right after the current run (several requests meanwhile make one run). */
  private request(trigger: RunTrigger): void {
    if (this.stopping) return;
    if (this.running) {
      this.queued ??= trigger;
      return;
    }
    void this.run(trigger);
  }

  private async run(trigger: RunTrigger): Promise<void> {
    if (this.stopping || !this.leaderLock.isLeader || this.running) return;
    this.cancelRetry();
    const startedAt = new Date();
    const done = this.attempt(trigger, startedAt);
    this.running = { trigger, startedAt, done };
    try {
      await done;
    } finally {
      this.running = undefined;
      const next = this.queued;
      this.queued = undefined;
      if (next && !this.stopping) void this.run(next);
    }
  }

  /** One reconcile; never throws: its failure is logged, remembered and maybe requeued. */
  private async attempt(trigger: RunTrigger, startedAt: Date): Promise<void> {
    const log = this.opts.logger;
    const finished = (a: Omit<ControllerAttempt, 'trigger' | 'startedAt' | 'finishedAt'>): void => {
      this.lastAttempt = { trigger, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), ...a };
    };
    try {
      const kept = await this.keeper.load();
      if (kept.specProblems) {
        log.error({ errors: kept.specProblems.map(formatProblem) }, 'spec files do not validate: the last valid specs stay in force and nothing they would change is applied');
      }
      const result = await reconcile(this.opts.database, {
        state: kept.state,
        dryRun: false,
        trigger,
        actor: `serve ${this.opts.identity}`,
        planOptions: planOptionsFor(kept.state),
        lockTimeoutMs: this.opts.lockTimeoutMs ?? 30_000,
        logger: log,
        env: this.opts.env,
        signal: this.abort.signal,
        refreshStatus: true,
        ...(kept.specProblems ? { specProblems: kept.specProblems } : {}),
        ...(this.opts.baseDir ? { baseDir: this.opts.baseDir } : {}),
        ...(this.opts.drivers ? { drivers: this.opts.drivers } : {}),
        ...(this.opts.now ? { now: this.opts.now() } : {}),
      });
      if (result.outcome === 'partial') {
        throw Object.assign(new TargetSyncFailedError(result.sync.filter((s) => s.error).map((s) => ({ target: s.target, error: s.error! }))), { runId: result.runId });
      }
      this.failures = 0;
      finished({
        outcome: result.outcome,
        ...(result.runId ? { runId: result.runId } : {}),
        ...(kept.specProblems ? { reason: 'SpecInvalid', error: `${kept.specProblems.length} spec error(s); the last valid specs stay in force` } : {}),
      });
      (result.outcome === 'no-changes' ? log.debug : log.info).call(log, { trigger, outcome: result.outcome, summary: result.plan.summary, execution_time: result.executionTime }, `${trigger} reconcile finished`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const runId = (err as { runId?: string }).runId;
      if (this.stopping && this.abort.signal.aborted) {
        finished({ outcome: 'interrupted', reason: 'ShuttingDown', error: message, ...(runId ? { runId } : {}) });
        log.warn({ trigger }, 'reconcile stopped at a batch boundary for shutdown; the next run completes it');
        return;
      }
      const cls = classifyFailure(err);
      finished({ outcome: 'failed', reason: cls.reason, error: message, ...(runId ? { runId } : {}) });
      const fields = { trigger, reason: cls.reason, err: message, ...(err instanceof SpecValidationError ? { errors: err.problems.filter((p) => p.severity === 'error').map(formatProblem) } : {}) };
      if (!cls.retryable) {
        this.failures = 0;
        log.error(fields, 'reconcile failed; not retried: it needs an operator (the schedule and spec watching go on)');
        return;
      }
      this.failures++;
      const delay = backoffDelay(this.failures, this.backoff);
      log.warn({ ...fields, attempt: this.failures, retry_in_seconds: delay / 1000 }, 'reconcile failed; retrying with backoff');
      this.scheduleRetry(trigger, delay, cls.reason);
    }
  }

  private scheduleRetry(trigger: RunTrigger, delayMs: number, reason: string): void {
    if (this.stopping) return;
    this.cancelRetry();
    const timer = setTimeout(() => {
      this.retry = undefined;
      this.request(trigger);
    }, delayMs);
    this.retry = { timer, attempt: this.failures, at: new Date(Date.now() + delayMs), trigger, reason };
  }

  private cancelRetry(): void {
    if (this.retry) clearTimeout(this.retry.timer);
    this.retry = undefined;
  }
}
