import type { TargetRecord } from '../SyncTargetDriver.ts';

type Field = Exclude<keyof TargetRecord, 'username'>;
const SCALARS = ['password', 'email', 'population', 'content_hash'] as const satisfies readonly Field[];

export interface UpsertRequest {
  shared?: Partial<Omit<TargetRecord, 'username'>>;
  users: (Partial<TargetRecord> & { username: string })[];
}

/**
 * A batch as the upsert body with the fields every record has in common sent once, in
 * `shared`. The records of one sync chunk are of one population, with its password and
 * usually one content hash and attributes: a first sync then sends each user's username
 * and email only, a third of the bytes to encode, send and parse.
 */
export function shareFields(records: readonly TargetRecord[]): UpsertRequest {
  const first = records[0];
  if (!first) return { users: [] };
  const shared: Partial<Omit<TargetRecord, 'username'>> = {};
  for (const field of SCALARS) {
    const value = first[field];
    if (records.every((r) => r[field] === value)) Object.assign(shared, { [field]: value });
  }
  const attributes = JSON.stringify(first.attributes);
  if (records.every((r) => r.attributes === first.attributes || JSON.stringify(r.attributes) === attributes)) shared.attributes = first.attributes;
  const own = (['attributes', ...SCALARS] as Field[]).filter((f) => !(f in shared));
  if (own.length === SCALARS.length + 1) return { users: [...records] };
  return {
    shared,
    users: records.map((r) => {
      const u: Partial<TargetRecord> & { username: string } = { username: r.username };
      for (const f of own) Object.assign(u, { [f]: r[f] });
      return u;
    }),
  };
}
