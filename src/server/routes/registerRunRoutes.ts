import type { FastifyInstance } from 'fastify';
import { currentLeader } from '../../db/leaderLock.ts';
import { listRuns } from '../../db/runHistory.ts';
import type { ControllerView } from '../../reconcile/ReconcileController.ts';
import type { ServerContext } from '../ServerContext.ts';
import { adminSecurity } from './sharedSchemas.ts';

const runsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    trigger: { type: 'string', enum: ['cli', 'api', 'schedule', 'watch'] },
    before_id: { type: 'integer', minimum: 1 },
  },
} as const;

interface RunsQuery {
  limit: number;
  trigger?: string;
  before_id?: number;
}

/**
 * GET /api/bulk-users/runs: the recent applying runs of every replica and the CLI
 * (bulk_reconcile_runs: trigger, who, plan summary, duration, outcome), which replica
 * leads, and what this replica's controller is doing (schedule, watch, retry, spec errors).
 */
export function registerRunRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: RunsQuery }>(
    '/api/bulk-users/runs',
    {
      schema: {
        tags: ['bulk-users'],
        summary: 'Recent reconcile runs (cli, api, schedule, watch): plan summary, duration, outcome; the leader and this replica’s controller',
        description: 'Runs that found nothing to change leave no record. `before_id` pages back through older runs.',
        security: adminSecurity,
        querystring: runsQuery,
      },
    },
    async (request) => {
      const { db } = ctx.database;
      const q = request.query;
      const [runs, leader] = await Promise.all([
        listRuns(db, { limit: q.limit, ...(q.trigger ? { trigger: q.trigger } : {}), ...(q.before_id !== undefined ? { beforeId: q.before_id } : {}) }),
        currentLeader(db),
      ]);
      return {
        runs: runs.map((r) => ({
          id: r.id,
          trigger: r.trigger,
          actor: r.actor,
          outcome: r.outcome,
          started_at: r.startedAt.toISOString(),
          finished_at: r.finishedAt?.toISOString() ?? null,
          duration_seconds: r.executionMs === null ? null : r.executionMs / 1000,
          summary: r.summary,
          error: r.error,
        })),
        leader: leader ? { replica: leader.identity, connected_at: leader.connectedAt?.toISOString() ?? null } : null,
        controller: ctx.controller ? controllerJson(ctx.controller.view()) : null,
      };
    },
  );
}

function controllerJson(v: ControllerView) {
  return {
    replica: v.replica,
    leader: v.leader,
    leader_since: v.leaderSince,
    schedule: v.schedule,
    timezone: v.timezone,
    next_scheduled_run: v.nextScheduledRun,
    watching: v.watching,
    running: v.running ? { trigger: v.running.trigger, started_at: v.running.startedAt } : null,
    last_attempt: v.lastAttempt
      ? {
          trigger: v.lastAttempt.trigger,
          started_at: v.lastAttempt.startedAt,
          finished_at: v.lastAttempt.finishedAt,
          outcome: v.lastAttempt.outcome,
          run_id: v.lastAttempt.runId ?? null,
          reason: v.lastAttempt.reason ?? null,
          error: v.lastAttempt.error ?? null,
        }
      : null,
    retry: v.retry ? { attempt: v.retry.attempt, at: v.retry.at, trigger: v.retry.trigger, reason: v.retry.reason } : null,
    skipped_ticks: v.skippedTicks,
    spec_errors: v.specErrors,
    specs_valid_since: v.specsValidSince,
  };
}
