import { HttpError } from '../http/HttpError.ts';
import { usernameFor } from '../spec/usernamePattern.ts';
import { isStorableText } from './assertStorableRecords.ts';
import { MAX_BATCH, MAX_USERNAME_LENGTH, REQUIRED_FIELDS, type CredentialInput, type RunInput, type UpsertBody } from './routeSchemas.ts';

/**
 * The `runs` of an upsert body with the fields their records take from `shared`: a run
 * names the records prefix || seq || suffix for every seq from `from` to `to`, each with
 * the e-mail address username || email_suffix (none when it is null). A first sync of a
 * population sends its members so: a few bytes per thousand records, where listing them
 * cost both sides a JSON encoding, a parse and a copy of every username and address.
 */
export interface CredentialRuns {
  fields: { password: string; population: string; content_hash: string; attributes: Record<string, unknown> | null };
  runs: RunInput[];
}

/** The runs of a body, or undefined; a 400 when `shared` lacks a field every record needs. */
export function runsOfBody(body: UpsertBody): CredentialRuns | undefined {
  if (!body.runs) return undefined;
  const shared = body.shared ?? {};
  for (const field of REQUIRED_FIELDS) {
    if (shared[field] === undefined) throw new HttpError(400, 'invalid_request', `runs take ${field} from "shared", which gives none`);
  }
  return {
    fields: { password: shared.password!, population: shared.population!, content_hash: shared.content_hash!, attributes: shared.attributes ?? null },
    runs: body.runs,
  };
}

/** How many records the runs stand for. */
export function runRecords(runs: readonly RunInput[]): number {
  let n = 0;
  for (const r of runs) n += r.to - r.from + 1;
  return n;
}

/**
 * What assertStorableRecords checks of records, for runs beside the batch's other
 * records: a real range, usernames no longer than a record's may be, text PostgreSQL keeps
 * as it is, at most MAX_BATCH records in all, and each username once across runs and
 * records. Before anything is written.
 */
export function assertStorableRuns(runs: CredentialRuns, users: readonly CredentialInput[]): void {
  for (const field of ['password', 'population', 'content_hash'] as const) {
    if (!isStorableText(runs.fields[field])) throw new HttpError(400, 'invalid_request', `shared.${field} contains a NUL character or an unpaired UTF-16 surrogate`);
  }
  runs.runs.forEach((r, i) => {
    if (r.from > r.to) throw new HttpError(400, 'invalid_request', `runs[${i}].from (${r.from}) is after runs[${i}].to (${r.to})`);
    for (const field of ['prefix', 'suffix', 'email_suffix'] as const) {
      const value = r[field];
      if (value !== null && !isStorableText(value)) throw new HttpError(400, 'invalid_request', `runs[${i}].${field} contains a NUL character or an unpaired UTF-16 surrogate`);
    }
    // Counted as the schema counts a username: in code points.
    const longest = [...r.prefix].length + String(r.to).length + [...r.suffix].length;
    if (longest > MAX_USERNAME_LENGTH) throw new HttpError(400, 'invalid_request', `runs[${i}] gives usernames of up to ${longest} characters; at most ${MAX_USERNAME_LENGTH}`);
  });
  const total = users.length + runRecords(runs.runs);
  if (total > MAX_BATCH) throw new HttpError(400, 'invalid_request', `the batch holds ${total} records (users and runs together); at most ${MAX_BATCH}`);
  assertDistinct(runs.runs, users);
}

/**
 * A username of one pattern names one seq (decimal digits without leading zeros), so runs
 * of one pattern meet only where their ranges overlap, found sorted. Runs of several
 * patterns, or beside records, are spelled out (at most MAX_BATCH names).
 */
function assertDistinct(runs: readonly RunInput[], users: readonly CredentialInput[]): void {
  const clash = (i: number, username: string, other: string): never => {
    throw new HttpError(400, 'duplicate_username', `runs[${i}] gives the username "${username}", which ${other} gives too; send each username once`);
  };
  const first = runs[0]!;
  if (users.length === 0 && runs.every((r) => r.prefix === first.prefix && r.suffix === first.suffix)) {
    const order = runs.map((_, i) => i).sort((a, b) => runs[a]!.from - runs[b]!.from);
    for (let k = 1; k < order.length; k++) {
      const before = runs[order[k - 1]!]!;
      const run = runs[order[k]!]!;
      if (run.from <= before.to) clash(order[k]!, usernameFor(run, run.from), `runs[${order[k - 1]}]`);
    }
    return;
  }
  const seen = new Map<string, string>(users.map((u, i) => [u.username, `users[${i}]`]));
  runs.forEach((r, i) => {
    for (let s = r.from; s <= r.to; s++) {
      const username = usernameFor(r, s);
      const other = seen.get(username);
      if (other !== undefined) clash(i, username, other);
      seen.set(username, `runs[${i}]`);
    }
  });
}

/** The records of the runs, one by one: each run's usernames and e-mail addresses with the fields. */
export function expandRuns<F extends object>(runs: { fields: F; runs: readonly RunInput[] }): (F & { username: string; email: string | null })[] {
  const out: (F & { username: string; email: string | null })[] = [];
  for (const r of runs.runs) {
    for (let s = r.from; s <= r.to; s++) {
      const username = usernameFor(r, s);
      out.push({ ...runs.fields, username, email: r.email_suffix === null ? null : username + r.email_suffix });
    }
  }
  return out;
}
