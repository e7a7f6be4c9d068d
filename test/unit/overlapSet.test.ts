import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findAllOverlaps, findPatternOverlap, overlapCandidates, type PairOverlap, type PatternRange } from '../../src/spec/patternOverlap.ts';

/** The reference: every pair, in loop order (what the spec validator used to do). */
function pairwise(ranges: PatternRange[]): PairOverlap[] {
  const out: PairOverlap[] = [];
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const overlap = findPatternOverlap(ranges[i]!, ranges[j]!);
      if (overlap) out.push({ i, j, overlap });
    }
  }
  return out;
}

describe('findAllOverlaps', () => {
  // Few letters, many digits near {id}: patterns that share prefixes and absorb digits.
  const affix = fc.array(fc.constantFrom('a', 'b', '_', '1', '0', '2'), { maxLength: 4 }).map((cs) => cs.join(''));
  const base = fc.tuple(affix, affix);
  const pattern = (bases: [string, string][]) =>
    fc
      .tuple(fc.constantFrom(...bases), fc.array(fc.constantFrom('0', '1', '2'), { maxLength: 2 }), fc.array(fc.constantFrom('0', '1', '2'), { maxLength: 2 }))
      .map(([[p, s], x, y]) => `${p}${x.join('')}{id}${y.join('')}${s}`);
  const range = fc.record({ idStart: fc.integer({ min: 0, max: 120 }), count: fc.integer({ min: 0, max: 150 }) });
  const set = fc
    .array(base, { minLength: 1, maxLength: 3 })
    .chain((bases) => fc.array(fc.tuple(fc.oneof(pattern(bases), affix.map((p) => `${p}{id}`)), range), { maxLength: 14 }))
    .map((items) => items.map(([p, rg]): PatternRange => ({ pattern: p, ...rg })));

  it('finds exactly the pairs, examples and order of the pairwise check on random pattern sets', () => {
    let withOverlaps = 0;
    fc.assert(
      fc.property(set, (ranges) => {
        const expected = pairwise(ranges);
        if (expected.length > 0) withOverlaps++;
        expect(findAllOverlaps(ranges)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
    // The generator must keep producing collisions, or the equality says little.
    expect(withOverlaps).toBeGreaterThan(200);
  });

  it('same pattern: overlapping id ranges only, and every overlapping pair', () => {
    const ranges: PatternRange[] = [
      { pattern: 'u_{id}', idStart: 1, count: 10 },
      { pattern: 'u_{id}', idStart: 11, count: 10 },
      { pattern: 'u_{id}', idStart: 5, count: 10 },
      { pattern: 'u_{id}', idStart: 100, count: 0 },
    ];
    expect(findAllOverlaps(ranges).map((p) => [p.i, p.j, p.overlap.username])).toEqual([
      [0, 2, 'u_5'],
      [1, 2, 'u_11'],
    ]);
  });

  it('patterns whose literal prefixes or suffixes differ are never compared', () => {
    const teams: PatternRange[] = Array.from({ length: 1000 }, (_, k) => ({ pattern: `team${String.fromCharCode(97 + (k % 26))}${k}x_{id}@example.com`, idStart: 1, count: 1e6 }));
    expect(overlapCandidates(teams)).toEqual([]);
    const domains: PatternRange[] = Array.from({ length: 1000 }, (_, k) => ({ pattern: `user_{id}@d${k}x.example.com`, idStart: 1, count: 1e6 }));
    expect(overlapCandidates(domains)).toEqual([]);
    // A digit where the shorter prefix ends can be part of an id: that pair is compared.
    expect(overlapCandidates([{ pattern: 'u_{id}', idStart: 1, count: 9 }, { pattern: 'u_1{id}', idStart: 1, count: 9 }, { pattern: 'u_a{id}', idStart: 1, count: 9 }])).toEqual([[0, 1]]);
  });
});
