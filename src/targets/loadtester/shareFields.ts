import type { TargetRecord } from '../SyncTargetDriver.ts';

const FIELDS = ['password', 'email', 'population', 'content_hash', 'attributes'] as const satisfies readonly Exclude<keyof TargetRecord, 'username'>[];

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
  for (const field of FIELDS) {
    // Compared as JSON too: each record's attributes are an object of their own.
    const value = first[field];
    const text = JSON.stringify(value);
    if (records.every((r) => r[field] === value || JSON.stringify(r[field]) === text)) Object.assign(shared, { [field]: value });
  }
  const own = FIELDS.filter((f) => !(f in shared));
  if (own.length === FIELDS.length) return { users: [...records] };
  return {
    shared,
    users: records.map((r) => {
      const u: Partial<TargetRecord> & { username: string } = { username: r.username };
      for (const f of own) Object.assign(u, { [f]: r[f] });
      return u;
    }),
  };
}
