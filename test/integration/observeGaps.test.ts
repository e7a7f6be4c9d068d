/**
 * Missing members are found two ways (probing the username index with every generated
 * username, or one pass over the table for usernames of the pattern); both must find the
 * same gaps and conflicts, whatever holds the usernames of the searched ranges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeGaps, type ObservationTarget } from '../../src/db/observe.ts';
import { EmbeddedUsersStore } from '../../src/db/userStore/EmbeddedUsersStore.ts';
import type { SeqRange } from '../../src/plan/Plan.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const EMBEDDED = new EmbeddedUsersStore();

let db: TestDatabase;

const target = (name: string, prefix: string, count: number): ObservationTarget => ({
  spec: { name, idStart: 1, count, pattern: { prefix, suffix: '' } as ObservationTarget['spec']['pattern'], syncTargets: [] },
  contentHash: 'h',
});
const G = target('g', 'g_', 30);
const OTHER = target('other', 'other_', 30);
/** Characters outside the Basic Multilingual Plane: two UTF-16 units each, one character to PostgreSQL. */
const EMOJI: ObservationTarget = { ...target('emoji', '😀', 5), spec: { ...target('emoji', '😀', 5).spec, pattern: { prefix: '😀', suffix: '🎉' } as ObservationTarget['spec']['pattern'] } };

beforeAll(async () => {
  db = await createTestDatabase();
  const rows: [string, boolean, string | null, number | null][] = [
    ...[1, 2, 3, 4, 5].map((s): [string, boolean, string | null, number | null] => [`g_${s}`, true, 'g', s]), // present members
    ['g_8', false, null, null], // production: conflict
    ['g_010', false, null, null], // not the canonical form of 10: no holder
    ['g_12', true, 'other', 12], // another desired population's non-member: deleted first, no block
    ['g_14', true, null, null], // unmanaged test user: conflict
    ['g_16', true, 'g', 99], // g's own row under an old pattern: deleted first
    ['g_18', true, 'gone', 18], // a released population: deleted first
    ['g_20', true, 'stray', 20], // a population neither desired nor released: conflict
    ['g_25x', false, null, null], // suffix differs
    ['g_', false, null, null], // no digits
    ['g_-3', false, null, null],
    ['g_31', false, null, null], // outside the range
    ['gg_9', false, null, null],
    ['😀3🎉', false, null, null], // production: conflict for emoji
    ['😀04🎉', false, null, null], // not canonical
  ];
  for (const [username, test, population, seq] of rows) {
    await db.query('INSERT INTO users (username, is_test_user, population, seq) VALUES ($1, $2, $3, $4)', [username, test, population, seq]);
  }
});
afterAll(async () => {
  await db?.drop();
});

describe.each([
  ['probing the username index', Infinity],
  ['scanning the table', 0],
])('observeGaps, %s', (_, tableRows) => {
  const gaps = (search: SeqRange[]) => observeGaps(db.database.db, EMBEDDED, G, search, ['gone'], [G, OTHER], tableRows);

  it('creates the gaps between blocked seqs and names each conflict with its holder', async () => {
    const g = await gaps([[1, 30]]);
    expect(g.ranges).toEqual([[6, 7], [9, 13], [15, 19], [21, 30]]);
    expect(g.count).toBe(22);
    expect(g.conflictCount).toBe(3);
    expect(g.conflicts).toEqual([
      { population: 'g', seq: 8, username: 'g_8', heldBy: 'production' },
      { population: 'g', seq: 14, username: 'g_14', heldBy: 'unmanaged-test-user' },
      { population: 'g', seq: 20, username: 'g_20', heldBy: 'other-population', holderPopulation: 'stray' },
    ]);
  });

  it('searches only the ranges it is given', async () => {
    const g = await gaps([[1, 5], [20, 30]]);
    expect(g.ranges).toEqual([[21, 30]]);
    expect(g.count).toBe(10);
    expect(g.conflicts.map((c) => c.seq)).toEqual([20]);
  });

  it('counts pattern lengths in characters, not UTF-16 units', async () => {
    const g = await observeGaps(db.database.db, EMBEDDED, EMOJI, [[1, 5]], [], [EMOJI], tableRows);
    expect(g.ranges).toEqual([[1, 2], [4, 5]]);
    expect(g.conflicts).toEqual([{ population: 'emoji', seq: 3, username: '😀3🎉', heldBy: 'production' }]);
  });

  it('returns a range whole when nothing holds its usernames', async () => {
    const g = await gaps([[40, 1000]]);
    expect(g).toEqual({ ranges: [[40, 1000]], count: 961, conflicts: [], conflictCount: 0 });
  });
});
