import type { TargetRecord } from '../SyncTargetDriver.ts';
import type { RunInput } from '../../loadtester/routeSchemas.ts';

const FIELDS = ['password', 'email', 'population', 'content_hash', 'attributes'] as const satisfies readonly Exclude<keyof TargetRecord, 'username'>[];

export interface UpsertRequest {
  shared?: Partial<Omit<TargetRecord, 'username'>>;
  runs?: RunInput[];
  users?: (Partial<TargetRecord> & { username: string })[];
}

/**
 * A batch as the upsert body with the fields every record has in common sent once, in
 * `shared`. The records of one sync chunk are of one population, with its password and
 * usually one content hash and attributes: a first sync then sends each user's username
 * and email only, a third of the bytes to encode, send and parse.
 */
export function shareFields(
  records: readonly TargetRecord[],
  /** Fields to share whatever the records hold (those of a batch's runs); a record that differs gives its own. */
  given?: Partial<Omit<TargetRecord, 'username'>>,
): UpsertRequest {
  // Compared as JSON too: each record's attributes are an object of their own.
  const allAre = (field: (typeof FIELDS)[number], value: unknown): boolean => {
    let text: string | undefined;
    return records.every((r) => r[field] === value || JSON.stringify(r[field]) === (text ??= JSON.stringify(value)));
  };
  const first = records[0];
  const shared: Partial<Omit<TargetRecord, 'username'>> = { ...given };
  for (const field of FIELDS) {
    if (first && !(field in shared) && allAre(field, first[field])) Object.assign(shared, { [field]: first[field] });
  }
  if (!given && Object.keys(shared).length === 0) return { users: [...records] };
  const own = FIELDS.filter((f) => !(f in shared) || !allAre(f, shared[f]));
  if (records.length === 0) return { shared };
  return {
    shared,
    users: records.map((r) => {
      const u: Partial<TargetRecord> & { username: string } = { username: r.username };
      for (const f of own) Object.assign(u, { [f]: r[f] });
      return u;
    }),
  };
}
