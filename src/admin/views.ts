import type { ApplyJob } from './ApplyJobs.ts';
import type { RunRecord } from '../db/runHistory.ts';
import type { RunDeletion } from '../db/runDeletions.ts';
import type { CleanupCandidate } from '../plan/planCleanup.ts';
import type { ReconcileResult } from '../reconcile/reconcile.ts';
import type { NamedTemplate } from '../reconcile/loadTemplates.ts';
import type { BatchDetail } from '../server/describeBatches.ts';
import { formatProblem, type SpecProblem } from '../spec/SpecProblem.ts';
import { html, type SafeHtml } from './html.ts';
import { BASE, errorBox, formatTime } from './layout.ts';

const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

export function loginView(token: string, opts: { username?: string; message?: string } = {}): SafeHtml {
  return html`${opts.message ? errorBox(opts.message) : ''}
<form method="post" action="${BASE}/login" class="box" style="max-width:420px">
${csrfField(token)}
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" required autofocus value="${opts.username ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div><button type="submit">Log in</button></div>
<p><small>Administrators only (bulk-users admin create). Test users cannot log in here.</small></p>
</form>`;
}

function specErrors(problems: readonly SpecProblem[] | undefined): SafeHtml | string {
  return problems?.length ? errorBox('The spec files do not validate; the last valid specs stay in force:', problems.map(formatProblem)) : '';
}

export function populationsView(batches: readonly BatchDetail[], extra: { specErrors?: SpecProblem[]; leader: string | null; activeOperations: number }): SafeHtml {
  return html`${specErrors(extra.specErrors)}
<p>Leader: ${extra.leader ?? 'none'} · active operations: ${extra.activeOperations}</p>
<table>
<caption>${batches.length} population(s)</caption>
<thead><tr><th scope="col">Population</th><th scope="col">Source</th><th scope="col">Phase</th><th scope="col">Desired</th><th scope="col">Actual</th><th scope="col">In sync</th><th scope="col">Lease expires</th><th scope="col">Conditions</th><th scope="col">Sync targets</th></tr></thead>
<tbody>
${batches.map(
  (b) => html`<tr data-population="${b.batch_id}">
<th scope="row">${b.batch_id}</th>
<td>${b.source}</td>
<td>${b.phase}</td>
<td class="num" data-field="desired">${b.desired_count ?? '—'}</td>
<td class="num" data-field="actual">${b.actual_count}</td>
<td>${b.in_sync ? html`<span class="ok">yes</span>` : html`<span class="warn">no</span>`}</td>
<td>${formatTime(b.expires_at)}</td>
<td>${b.conditions.length ? html`<ul class="conds">${b.conditions.map((c) => html`<li><span class="${c.status === 'True' ? (c.type === 'Degraded' || c.type === 'Expired' ? 'bad' : 'ok') : c.type === 'Ready' || c.type === 'Synced' ? 'warn' : ''}">${c.type}=${c.status}</span> ${c.reason}: ${c.message}</li>`)}</ul>` : html`<small>no run yet</small>`}</td>
<td>${b.sync_targets.length ? html`<ul class="conds">${b.sync_targets.map((t) => html`<li>${t.target}: ${t.state} (${t.held}/${t.expected})${t.error ? html` <span class="bad">${t.error}</span>` : ''}</li>`)}</ul>` : '—'}</td>
</tr>`,
)}
</tbody>
</table>`;
}

export function planView(rendered: string, summary: { create: number; update: number; delete: number; syncDelete: number }, hasChanges: boolean, refused: string | undefined, token: string): SafeHtml {
  const deletes = summary.delete + summary.syncDelete;
  return html`<p>What <code>bulk-users reconcile</code> would change now (a dry run: nothing was written).</p>
<pre aria-label="Plan">${rendered}</pre>
${
  !hasChanges
    ? ''
    : refused
      ? errorBox(`Applying is refused: ${refused}`)
      : html`<form method="post" action="${BASE}/apply" class="box">
${csrfField(token)}
<input type="hidden" name="confirmed_deletes" value="${deletes}">
<label class="check"><input type="checkbox" name="confirm" value="yes" required> I have read this plan; apply it${deletes ? ` (deletes ${deletes} user(s) or record(s))` : ''}.</label>
<button type="submit" class="${deletes ? 'danger' : ''}">Apply plan</button>
<p><small>If the plan deletes more by the time it runs than it does here, the apply stops before deleting anything.</small></p>
</form>`
}`;
}

export function applyView(job: ApplyJob<ReconcileResult>, describeError: (err: unknown) => string): SafeHtml {
  if (!job.done) {
    const p = job.progress;
    return html`<div class="box" role="status" aria-live="polite">
<p>Applying… started ${formatTime(job.startedAt)}. This page refreshes itself.</p>
<label for="progress">Progress</label>
<progress id="progress" max="${p?.total || 1}" value="${p?.done ?? 0}">${p ? `${p.done} of ${p.total}` : 'starting'}</progress>
<p>${p ? `${p.done} of ${p.total} row(s) written; now ${p.step} in ${p.population}` : 'Observing the database and targets…'}</p>
</div>`;
  }
  if (job.error !== undefined) return html`${errorBox(`The apply did not complete: ${describeError(job.error)}`)}<p><a href="${BASE}/plan">Back to the plan</a></p>`;
  const r = job.result!;
  if (r.outcome === 'cancelled') {
    return html`${errorBox('Nothing was applied: the plan now deletes more than you confirmed. Review the plan again.')}<p><a href="${BASE}/plan">Review the plan</a></p>`;
  }
  const a = r.applied;
  return html`<div class="box ${r.outcome === 'partial' ? 'error' : 'notice'}" role="status">
<p><strong>${r.outcome === 'applied' ? 'Applied.' : r.outcome === 'partial' ? 'Applied in the database; some targets failed (the next run resumes them).' : r.outcome === 'no-changes' ? 'No changes: the database already matched the specs.' : r.outcome}</strong></p>
${a ? html`<p>${a.created} created, ${a.updated} updated, ${a.deleted} deleted${a.lateConflicts ? `, ${a.lateConflicts} skipped (username taken during apply)` : ''} in ${r.executionTime.toFixed(2)} s${r.runId ? ` (run #${r.runId})` : ''}.</p>` : ''}
${r.sync.length ? html`<ul>${r.sync.map((s) => html`<li>target ${s.target}: ${s.error ? html`<span class="bad">${s.error}</span>` : `${s.upserted} sent, ${s.deleted} deleted`}</li>`)}</ul>` : ''}
</div>
<p><a href="${BASE}/">See the populations</a></p>`;
}

export function runsView(runs: readonly RunRecord[], deletions: readonly RunDeletion[]): SafeHtml {
  return html`<table>
<caption>The last ${runs.length} applying run(s) (runs that changed nothing leave no record)</caption>
<thead><tr><th scope="col">Run</th><th scope="col">Started</th><th scope="col">Trigger</th><th scope="col">Who</th><th scope="col">Outcome</th><th scope="col">Plan</th><th scope="col">Deleted</th><th scope="col">Duration</th><th scope="col">Error</th></tr></thead>
<tbody>
${runs.map((r) => {
  const dels = deletions.filter((d) => d.runId === r.id);
  const s = r.summary;
  return html`<tr data-run="${r.id}">
<th scope="row">#${r.id}</th><td>${formatTime(r.startedAt)}</td><td>${r.trigger}</td><td>${r.actor ?? '—'}</td><td>${r.outcome}</td>
<td>${s ? `+${s.create} ~${s.update} -${s.delete}` : '—'}</td>
<td>${dels.length ? html`<ul class="conds">${dels.map((d) => html`<li>${d.count} ${d.rule}${d.population ? ` of ${d.population}` : ''}</li>`)}</ul>` : '—'}</td>
<td class="num">${r.executionMs === null ? '—' : `${(r.executionMs / 1000).toFixed(2)} s`}</td><td>${r.error ?? ''}</td>
</tr>`;
})}
</tbody>
</table>`;
}

export function cleanupView(candidates: readonly CleanupCandidate[]): SafeHtml {
  if (candidates.length === 0) return html`<p class="ok">No cleanup candidates: nothing expired, orphaned or unmanaged.</p>`;
  return html`<table>
<caption>Cleanup candidates</caption>
<thead><tr><th scope="col">Population</th><th scope="col">Reason</th><th scope="col">Users</th><th scope="col">Sample</th><th scope="col">Action</th></tr></thead>
<tbody>
${candidates.map(
  (c) => html`<tr><th scope="row">${c.population ?? '(no population)'}</th><td>${c.reason}</td><td class="num">${c.count}</td><td><small>${c.sample.slice(0, 3).join(', ')}</small></td>
<td>${c.population ? html`<form method="get" action="${BASE}/cleanup/confirm"><input type="hidden" name="batch_id" value="${c.population}"><button type="submit">Clean up ${c.population}…</button></form>` : html`<small>bulk-users cleanup --unmanaged</small>`}</td></tr>`,
)}
</tbody>
</table>`;
}

export function cleanupConfirmView(batchId: string, count: number, token: string): SafeHtml {
  return html`<form method="post" action="${BASE}/cleanup" class="box">
${csrfField(token)}
<input type="hidden" name="batch_id" value="${batchId}">
<input type="hidden" name="confirmed_count" value="${count}">
<p>Cleaning up <strong>${batchId}</strong> deletes <strong>${count}</strong> user(s) from the database and from every sync target.</p>
<label class="check"><input type="checkbox" name="confirm" value="yes" required> Delete ${count} user(s) of ${batchId}</label>
<button type="submit" class="danger">Delete ${count} user(s)</button>
<a href="${BASE}/cleanup">Cancel</a>
</form>`;
}

export function cleanupDoneView(batchId: string, deleted: number, outcome: string): SafeHtml {
  const partial = outcome === 'partial';
  return html`<div class="box ${partial ? 'error' : 'notice'}" role="status"><p>Cleanup of <strong>${batchId}</strong>: ${deleted} user(s) deleted (${outcome}).</p>
${partial ? html`<p>A sync target did not confirm its deletions (the run history shows its error); run the cleanup again once the target is back.</p>` : ''}</div>
<p><a href="${BASE}/cleanup">Back to cleanup</a> · <a href="${BASE}/runs">Run history</a></p>`;
}

export interface CreateForm {
  template?: string;
  batch_id?: string;
  count?: string;
  username_pattern?: string;
  ttl?: string;
}

export function createView(templates: readonly NamedTemplate[], token: string, form: CreateForm = {}, problems: readonly string[] = []): SafeHtml {
  return html`${problems.length ? errorBox('The batch was not created:', problems) : ''}
<form method="post" action="${BASE}/create" class="box">
${csrfField(token)}
<label for="template">Template</label>
<select id="template" name="template">
<option value="">(none)</option>
${templates.map((t) => html`<option value="${t.name}"${form.template === t.name ? html` selected` : ''}>${t.name} (${t.kind})${t.description ? ` — ${t.description}` : ''}</option>`)}
</select>
<label for="batch_id">Batch name <small>(optional; generated when empty)</small></label>
<input id="batch_id" name="batch_id" type="text" value="${form.batch_id ?? ''}">
<label for="count">Number of users</label>
<input id="count" name="count" type="number" min="1" required value="${form.count ?? ''}">
<label for="username_pattern">Username pattern <small>(exactly one {id}; optional when the template has one)</small></label>
<input id="username_pattern" name="username_pattern" type="text" placeholder="loadtest_{id}" value="${form.username_pattern ?? ''}">
<label for="password">Password <small>(stored encrypted; optional when the template names one)</small></label>
<input id="password" name="password" type="password" autocomplete="new-password">
<label for="ttl">Lease (ttl) <small>(e.g. 7d; optional)</small></label>
<input id="ttl" name="ttl" type="text" value="${form.ttl ?? ''}">
<div><button type="submit">Create batch</button></div>
</form>`;
}

export function createdView(r: { batchId: string; created: number; failed: number; conflicts: number; outcome: string }): SafeHtml {
  return html`<div class="box notice" role="status"><p>Batch <strong>${r.batchId}</strong>: ${r.created} user(s) present, ${r.failed} not created${r.conflicts ? `, ${r.conflicts} conflict(s)` : ''} (${r.outcome}).</p></div><p><a href="${BASE}/">See the populations</a></p>`;
}
