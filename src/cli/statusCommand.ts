import { Option, type Command } from 'commander';
import type { RunRecord } from '../db/runHistory.ts';
import type { PopulationStatus, StatusCondition } from '../db/PopulationStatus.ts';
import type { Style } from './renderPlan.ts';
import { table } from './table.ts';

export interface StatusCommandIO {
  stdout: (text: string) => void;
  env: NodeJS.ProcessEnv;
  style: Style;
}

/**
 * `bulk-users status [NAME] [--runs N] [--output json]`: what the reconcilers last saw,
 * from the database alone (no spec files needed): per population desired and actual
 * counts, generations, conditions with their reasons, per-target sync state and the last
 * error; the leader among `serve` replicas; the recent applying runs.
 */
export function registerStatusCommand(program: Command, io: StatusCommandIO): void {
  program
    .command('status')
    .argument('[name]', 'one population')
    .description('population status (conditions, counts, sync targets, last error), the leader replica and recent runs')
    .option('--runs <n>', 'recent runs to show', (v) => Math.max(0, Math.min(500, Number.parseInt(v, 10) || 0)), 10)
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (name: string | undefined, flags: { runs: number; output: 'text' | 'json' }) => {
      const { withDatabase } = await import('../db/openDatabase.ts');
      const { currentLeader } = await import('../db/leaderLock.ts');
      const { readPopulationStatuses } = await import('../db/populationStatusQueries.ts');
      const { listRuns } = await import('../db/runHistory.ts');
      await withDatabase(io.env, async ({ db }) => {
        const [statuses, leader, runs] = await Promise.all([readPopulationStatuses(db, name === undefined ? undefined : [name]), currentLeader(db), flags.runs ? listRuns(db, { limit: flags.runs }) : []]);
        const populations = [...statuses.values()];
        if (flags.output === 'json') {
          io.stdout(JSON.stringify({ leader: leader ?? null, populations, runs }, null, 2) + '\n');
          return;
        }
        io.stdout(renderStatus(populations, leader, runs, io.style, name));
      });
    });
}

function renderStatus(populations: PopulationStatus[], leader: { identity: string; connectedAt: Date | null } | undefined, runs: RunRecord[], style: Style, name?: string): string {
  const out: string[] = [];
  out.push(`Leader: ${leader ? `${leader.identity}${leader.connectedAt ? ` (connected ${leader.connectedAt.toISOString()})` : ''}` : 'none (no `serve --schedule/--watch` replica is running)'}`);
  out.push('');
  if (populations.length === 0) {
    out.push(name ? `No status recorded for population "${name}".` : 'No population status recorded yet (statuses are written by applying reconciles).');
  } else {
    const mark = (c: StatusCondition | undefined, good: 'True' | 'False'): string =>
      !c ? '-' : c.status === good ? style.green(c.status) : c.status === 'Unknown' ? style.yellow(c.status) : style.red(c.status);
    const rows = populations.map((p) => {
      const c = (t: string) => p.conditions.find((x) => x.type === t);
      return [p.name, p.phase, p.desiredCount === null ? '-' : String(p.desiredCount), String(p.actualCount), `${p.observedGeneration}/${p.generation}`, mark(c('Ready'), 'True'), mark(c('Synced'), 'True'), mark(c('Expired'), 'False'), mark(c('Degraded'), 'False')];
    });
    out.push(...table(['POPULATION', 'PHASE', 'DESIRED', 'ACTUAL', 'GEN', 'READY', 'SYNCED', 'EXPIRED', 'DEGRADED'], rows));
    for (const p of populations) {
      out.push('');
      out.push(style.bold(`${p.name}`) + `  (status of ${p.updatedAt}${p.lastRunId ? `, run ${p.lastRunId}` : ''})`);
      for (const c of p.conditions) out.push(`  ${c.type.padEnd(9)}${c.status.padEnd(8)}${c.reason}: ${c.message}  [since ${c.lastTransitionTime}]`);
      for (const t of p.targets) out.push(`  target ${t.target}: ${t.state}, ${t.held} of ${t.expected} held${t.error ? ` (${t.error})` : ''}`);
      if (p.conflicts) out.push(`  ${p.conflicts} username(s) held by someone else`);
      if (p.lastError) out.push(`  last error ${p.lastError.at}${p.lastError.runId ? ` (run ${p.lastError.runId})` : ''}: ${p.lastError.reason}: ${p.lastError.message}`);
    }
  }
  if (runs.length) {
    out.push('');
    out.push('Recent runs:');
    out.push(
      ...table(
        ['ID', 'TRIGGER', 'OUTCOME', 'STARTED', 'SECONDS', 'CHANGES (+ ~ - sync+ sync-)', 'BY'],
        runs.map((r) => [
          String(r.id),
          r.trigger,
          r.outcome,
          r.startedAt.toISOString(),
          r.executionMs === null ? '-' : (r.executionMs / 1000).toFixed(2),
          r.summary ? `${r.summary.create} ${r.summary.update} ${r.summary.delete} ${r.summary.syncUpsert} ${r.summary.syncDelete}` : '-',
          r.actor ?? '-',
        ]),
      ),
    );
  }
  return out.join('\n') + '\n';
}
