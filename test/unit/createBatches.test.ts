import { describe, expect, it } from 'vitest';
import { createBatches, digitOrderOf, usernameOrder } from '../../src/apply/createBatches.ts';
import type { SeqRange } from '../../src/plan/Plan.ts';

/** The order the C-collation username index keeps: bytes of the UTF-8 text. */
function byteSorted(ranges: readonly SeqRange[], prefix: string, suffix: string): number[] {
  const seqs = ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
  const name = (s: number): Buffer => Buffer.from(`${prefix}${s}${suffix}`);
  return seqs.sort((x, y) => Buffer.compare(name(x), name(y)));
}

function walk(ranges: readonly SeqRange[], suffix: string): number[] {
  const order = digitOrderOf(suffix);
  if (order === null) throw new Error('no digit order');
  return [...usernameOrder(ranges, order)];
}

describe('usernameOrder', () => {
  const cases: [string, SeqRange[]][] = [
    ['one range from 1', [[1, 12_345]]],
    ['from 0', [[0, 1000]]],
    ['a late range', [[99_990, 100_010]]],
    ['scattered ranges', [[3, 3], [17, 250], [999, 1001], [5000, 5100], [70_000, 70_003]]],
    ['a single seq', [[42, 42]]],
    ['a power of ten', [[1, 10]]],
  ];
  for (const suffix of ['', '@bench.example', '.x', '_tail', 'é', '-1']) {
    for (const [what, ranges] of cases) {
      it(`walks ${what} in byte order of the usernames, suffix "${suffix}"`, () => {
        expect(walk(ranges, suffix)).toEqual(byteSorted(ranges, 'user_', suffix));
      });
    }
  }

  it('walks random range sets in byte order', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 40; round++) {
      const ranges: SeqRange[] = [];
      let at = rand(50);
      for (let i = 0, k = 1 + rand(6); i < k; i++) {
        const len = 1 + rand(round % 2 ? 3000 : 30);
        ranges.push([at, at + len - 1]);
        at += len + 1 + rand(round % 3 ? 20 : 20_000);
      }
      for (const suffix of ['', '@x']) expect(walk(ranges, suffix)).toEqual(byteSorted(ranges, 'p', suffix));
    }
  });

  it('skips what is not in the ranges without walking it (a range far out)', () => {
    const out = [...usernameOrder([[1_000_000_000_000, 1_000_000_000_004]], 'childrenFirst')];
    expect(out).toEqual([1_000_000_000_000, 1_000_000_000_001, 1_000_000_000_002, 1_000_000_000_003, 1_000_000_000_004]);
  });
});

describe('digitOrderOf', () => {
  it('has no digit order for a suffix that starts with a digit', () => {
    expect(digitOrderOf('7x')).toBeNull();
    expect(digitOrderOf('')).toBe('parentFirst');
    expect(digitOrderOf('@x')).toBe('childrenFirst');
  });
});

describe('createBatches', () => {
  const ranges: SeqRange[] = [[1, 2500], [3000, 3999]];
  const members = (batches: { from: number; to: number; seqs?: number[] }[]): number[] =>
    batches.flatMap((b) => b.seqs ?? Array.from({ length: b.to - b.from + 1 }, (_, i) => b.from + i));

  it('in seq order: slices of each range', () => {
    const batches = [...createBatches(ranges, 1000, null)];
    expect(batches).toEqual([
      { from: 1, to: 1000 }, { from: 1001, to: 2000 }, { from: 2001, to: 2500 },
      { from: 3000, to: 3999 },
    ]);
  });

  it('in username order: every member once, batchSize each, bounds around each batch', () => {
    const batches = [...createBatches(ranges, 1000, 'childrenFirst')];
    expect(batches.map((b) => b.seqs!.length)).toEqual([1000, 1000, 1000, 500]);
    expect(members(batches)).toEqual(byteSorted(ranges, 'u', '@x'));
    for (const b of batches) {
      expect(Math.min(...b.seqs!)).toBe(b.from);
      expect(Math.max(...b.seqs!)).toBe(b.to);
    }
  });
});
