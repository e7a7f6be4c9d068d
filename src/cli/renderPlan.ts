import type { Conflict, Plan, PopulationPlan, SeqRange } from '../plan/Plan.ts';
import { usernameFor } from '../spec/usernamePattern.ts';

export interface Style {
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  bold(s: string): string;
}

const wrap = (code: number) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
export const colors: Style = { green: wrap(32), yellow: wrap(33), red: wrap(31), bold: wrap(1) };
export const plain: Style = { green: (s) => s, yellow: (s) => s, red: (s) => s, bold: (s) => s };

const HEADLINE: Record<PopulationPlan['action'], { sign: string; verb: string }> = {
  create: { sign: '+', verb: 'will be created' },
  update: { sign: '~', verb: 'will be updated in place' },
  replace: { sign: '-/+', verb: 'will be replaced' },
  delete: { sign: '-', verb: 'will be deleted' },
  retain: { sign: '~', verb: 'will be orphaned (users retained)' },
  expire: { sign: '-', verb: 'has expired' },
  noop: { sign: ' ', verb: 'is up to date' },
};

const HOLDER: Record<Conflict['heldBy'], string> = {
  production: 'a production user',
  'other-population': 'population',
  'unmanaged-test-user': 'an unmanaged test user',
};

function rangeText(p: PopulationPlan, ranges: SeqRange[]): string {
  const pattern = p.desired?.spec.pattern;
  if (!pattern || ranges.length === 0) return '';
  const first = ranges[0]!;
  const last = ranges[ranges.length - 1]!;
  const text = `${usernameFor(pattern, first[0])} .. ${usernameFor(pattern, last[1])}`;
  return ranges.length > 1 ? `${text} (${ranges.length} ranges)` : text;
}

/** Terraform-style text: one block per population that changes, totals, production users left alone. */
export function renderPlan(plan: Plan, style: Style = plain): string {
  const out: string[] = [];
  const changing = plan.populations.filter((p) => p.action !== 'noop' || p.conflicts.count > 0);
  for (const p of changing) {
    const { sign, verb } = HEADLINE[p.action];
    const paint = p.action === 'create' ? style.green : p.action === 'delete' || p.action === 'replace' || p.action === 'expire' ? style.red : style.yellow;
    const reason = p.action === 'replace' || p.action === 'delete' || p.action === 'expire' ? ` (${p.reasons[0] ?? ''})` : '';
    out.push(`  ${paint(sign)} population ${style.bold(`"${p.name}"`)} ${p.action === 'noop' ? 'has conflicts' : verb}${reason}`);
    if (p.delete.count > 0) out.push(`      ${style.red('-')} ${p.delete.count} user(s)${p.delete.reason === 'scale-down' ? `  ${p.reasons[0] ?? ''}` : ''}`);
    if (p.update.count > 0) out.push(`      ${style.yellow('~')} ${p.update.count} user(s)  ${p.reasons.find((r) => r.startsWith('content') || r.startsWith('password or')) ?? 'content changed'}`);
    if (p.create.count > 0) out.push(`      ${style.green('+')} ${p.create.count} user(s)  ${rangeText(p, p.create.ranges)}`);
    if (p.conflicts.count > 0) {
      const shown = p.conflicts.sample.slice(0, 5).map((c) => `${c.username} (held by ${HOLDER[c.heldBy]}${c.holderPopulation ? ` "${c.holderPopulation}"` : ''})`);
      const more = p.conflicts.count > shown.length ? `, and ${p.conflicts.count - shown.length} more` : '';
      out.push(`      ${style.yellow('!')} ${p.conflicts.count} conflict(s), skipped: ${shown.join(', ')}${more}`);
    }
    for (const r of p.reasons.filter((r) => r.startsWith('spec changed') || r.startsWith('adopt') || r.startsWith('finish') || r.endsWith('apply will fail'))) out.push(`      ${style.yellow('#')} ${r}`);
    out.push('');
  }
  for (const t of plan.targets) {
    if (t.upsert + t.delete + t.drift === 0 && !t.unreachable) continue;
    out.push(`  ${style.yellow('~')} target ${style.bold(`"${t.name}"`)} (${t.type}) will be synced`);
    if (t.delete > 0) out.push(`      ${style.red('-')} ${t.delete} record(s) to delete`);
    if (t.upsert > 0) out.push(`      ${style.green('+')} ${t.upsert} record(s) to send  ${t.populations.filter((p) => p.upsert).map((p) => `${p.population}: ${p.upsert}`).join(', ')}`);
    if (t.drift > 0) out.push(`      ${style.yellow('!')} drift: ${t.drift} record(s) differ from what was last synced; only those are sent again`);
    if (t.unreachable) out.push(`      ${style.red('!')} unreachable: ${t.unreachable}${t.skipped ? ' (optional target: skipped this run, its records stay pending)' : ''}`);
    out.push('');
  }
  for (const d of (plan.dependents ?? []).filter((d) => d.rows > 0)) {
    const fate = d.deletedFirst
      ? style.yellow('deleted first, with the users')
      : d.onDelete === 'no action' || d.onDelete === 'restrict'
        ? style.red('blocks the delete: name it in userStore.dependents')
        : `the database will ${d.onDelete === 'cascade' ? 'delete them too (ON DELETE CASCADE)' : `${d.onDelete} the column (ON DELETE ${d.onDelete?.toUpperCase()})`}`;
    out.push(`  ${style.yellow('!')} ${d.rows} row(s) of ${style.bold(`${d.table}.${d.column}`)} reference users to delete: ${fate}`);
  }
  const s = plan.summary;
  if (!plan.hasChanges) {
    out.push(style.green('No changes.') + ' The database matches the specs.');
  } else {
    out.push(
      `${style.bold('Plan:')} ${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.syncUpsert} to sync, ${s.syncDelete} to unsync, ${s.conflicts} conflict(s).`,
    );
  }
  out.push(plan.productionUsersApproximate ? `Production users untouched: about ${plan.productionUsers} (estimated).` : `Production users untouched: ${plan.productionUsers}.`);
  if (plan.guard.refused) out.push('', style.red(`Apply would be refused: ${plan.guard.message}`));
  return out.join('\n');
}

/** The JSON form of a plan (`--output json`): stable field names, no password material. */
export function planToJson(plan: Plan): Record<string, unknown> {
  return {
    summary: plan.summary,
    hasChanges: plan.hasChanges,
    productionUsers: plan.productionUsers,
    ...(plan.productionUsersApproximate ? { productionUsersApproximate: true } : {}),
    managedUsers: plan.managedUsers,
    guard: plan.guard,
    targets: plan.targets,
    ...(plan.dependents ? { dependents: plan.dependents } : {}),
    populations: plan.populations.map((p) => ({
      name: p.name,
      action: p.action,
      reasons: p.reasons,
      create: p.create,
      update: p.update,
      delete: p.delete,
      conflicts: p.conflicts,
    })),
  };
}
