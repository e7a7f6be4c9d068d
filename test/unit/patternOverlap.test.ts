import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findPatternOverlap, type Overlap, type PatternRange } from '../../src/spec/patternOverlap.ts';

const render = (pattern: string, id: number): string => pattern.replace('{id}', String(id));

/** The answer is only trustworthy if both populations really produce the example. */
function expectGeneratedByBoth(a: PatternRange, b: PatternRange, o: Overlap | null): asserts o is Overlap {
  expect(o).not.toBeNull();
  const hit = o as Overlap;
  expect(render(a.pattern, hit.idA)).toBe(hit.username);
  expect(render(b.pattern, hit.idB)).toBe(hit.username);
  expect(Number.isSafeInteger(hit.idA) && Number.isSafeInteger(hit.idB)).toBe(true);
  expect(hit.idA).toBeGreaterThanOrEqual(a.idStart);
  expect(hit.idA).toBeLessThan(a.idStart + a.count);
  expect(hit.idB).toBeGreaterThanOrEqual(b.idStart);
  expect(hit.idB).toBeLessThan(b.idStart + b.count);
}

/** Reference answer by enumeration; only usable for tiny ranges. */
function bruteForceOverlaps(a: PatternRange, b: PatternRange): boolean {
  const namesA = new Set<string>();
  for (let id = a.idStart; id < a.idStart + a.count; id++) namesA.add(render(a.pattern, id));
  for (let id = b.idStart; id < b.idStart + b.count; id++) {
    if (namesA.has(render(b.pattern, id))) return true;
  }
  return false;
}

const r = (pattern: string, idStart: number, count: number): PatternRange => ({ pattern, idStart, count });

describe('findPatternOverlap – examples', () => {
  it('identical patterns overlap exactly when the id ranges intersect', () => {
    const a = r('loadtest_{id}@example.com', 0, 100);
    expectGeneratedByBoth(a, r('loadtest_{id}@example.com', 99, 10), findPatternOverlap(a, r('loadtest_{id}@example.com', 99, 10)));
    expect(findPatternOverlap(a, r('loadtest_{id}@example.com', 99, 10))).toEqual({
      username: 'loadtest_99@example.com',
      idA: 99,
      idB: 99,
    });
    expect(findPatternOverlap(a, r('loadtest_{id}@example.com', 100, 10))).toBeNull();
  });

  it('patterns with incompatible literal text never overlap', () => {
    expect(findPatternOverlap(r('alice_{id}', 0, 1e9), r('bob_{id}', 0, 1e9))).toBeNull();
    expect(findPatternOverlap(r('{id}@a.com', 0, 1e9), r('{id}@b.com', 0, 1e9))).toBeNull();
    // A letter can never be swallowed by an id.
    expect(findPatternOverlap(r('{id}', 0, 1e9), r('x{id}', 0, 1e9))).toBeNull();
  });

  it('a digit next to {id} can be absorbed by the other pattern\'s id', () => {
    const a = r('user1{id}', 0, 10);
    const b = r('user{id}', 0, 100);
    expect(findPatternOverlap(a, b)).toEqual({ username: 'user10', idA: 0, idB: 10 });
    // B's range stops below every "1x" id, so nothing collides.
    expect(findPatternOverlap(a, r('user{id}', 0, 10))).toBeNull();
  });

  it('a trailing digit in the pattern shifts the id by a factor of ten', () => {
    const a = r('u{id}0', 0, 11);
    const b = r('u{id}', 0, 51);
    expect(findPatternOverlap(a, b)).toEqual({ username: 'u10', idA: 1, idB: 10 });
    // "u00" would need B's id to be written "00", which canonical decimal forbids.
    expect(findPatternOverlap(r('u{id}0', 0, 1), b)).toBeNull();
  });

  it('leading zeros are never produced, so a literal 0 before {id} cannot be absorbed', () => {
    expect(findPatternOverlap(r('user0{id}', 0, 1e9), r('user{id}', 0, 1e15))).toBeNull();
    // ...except by the single id 0 itself.
    expect(findPatternOverlap(r('user{id}', 0, 1), r('user{id}', 0, 1))).toEqual({ username: 'user0', idA: 0, idB: 0 });
  });

  it('finds collisions where the two ids do not share any character position', () => {
    // "a1b5": A reads id 1 out of B's prefix, B reads id 5 out of A's suffix.
    const a = r('a{id}b5', 0, 10);
    const b = r('a1b{id}', 0, 10);
    expect(findPatternOverlap(a, b)).toEqual({ username: 'a1b5', idA: 1, idB: 5 });
    expect(findPatternOverlap(a, r('a1b{id}', 6, 4))).toBeNull();
    expect(findPatternOverlap(r('a{id}b5', 2, 8), b)).toBeNull();
  });

  it('handles empty prefixes and suffixes', () => {
    expect(findPatternOverlap(r('{id}', 0, 1000), r('1{id}', 0, 10))).toEqual({ username: '10', idA: 10, idB: 0 });
    // Not "7" with B id 0: that would need A to write its id as "07".
    expect(findPatternOverlap(r('{id}', 0, 1000), r('{id}7', 0, 10))).toEqual({ username: '17', idA: 17, idB: 1 });
    expect(findPatternOverlap(r('{id}', 500, 10), r('{id}', 0, 500))).toBeNull();
  });

  it('handles ids embedded on both sides (A id = digits + B id + digits)', () => {
    const a = r('x{id}', 0, 100_000);
    const b = r('x12{id}34', 0, 1000);
    const o = findPatternOverlap(a, b);
    expectGeneratedByBoth(a, b, o);
    expect(o).toEqual({ username: 'x12034', idA: 12034, idB: 0 });
    expect(findPatternOverlap(r('x{id}', 0, 12034), b)).toBeNull();
  });

  it('returns null for empty ranges', () => {
    expect(findPatternOverlap(r('u{id}', 0, 0), r('u{id}', 0, 10))).toBeNull();
  });

  it('rejects malformed input', () => {
    expect(() => findPatternOverlap(r('user', 0, 1), r('u{id}', 0, 1))).toThrow(/exactly one/);
    expect(() => findPatternOverlap(r('u{id}{id}', 0, 1), r('u{id}', 0, 1))).toThrow(/exactly one/);
    expect(() => findPatternOverlap(r('u{id}', -1, 1), r('u{id}', 0, 1))).toThrow(RangeError);
    expect(() => findPatternOverlap(r('u{id}', 0, 1.5), r('u{id}', 0, 1))).toThrow(RangeError);
    expect(() => findPatternOverlap(r('u{id}', Number.MAX_SAFE_INTEGER, 2), r('u{id}', 0, 1))).toThrow(RangeError);
  });

  // The bound is the behaviour: enumerating 10^9 ids would take minutes, so a generous
  // per-test timeout is enough to show the answer is computed, not searched.
  it('answers for ranges of 10^9 ids near 10^15 without enumerating them', { timeout: 10_000 }, () => {

    const a = r('loadtest_{id}@example.com', 0, 1e9);
    // B ids have 15 digits, so "1"+id has 16 – far beyond anything A generates.
    expect(findPatternOverlap(a, r('loadtest_1{id}@example.com', 1e14, 1e9))).toBeNull();

    // Every A id here is "50000…", so B's id would start with 0: no collision.
    const d = r('lt_5{id}', 0, 1e15);
    expect(findPatternOverlap(r('lt_{id}', 5e14, 1e9), d)).toBeNull();
    const c = r('lt_{id}', 5.5e14, 1e9);
    const hit = findPatternOverlap(c, d);
    expectGeneratedByBoth(c, d, hit);
    expect(hit).toEqual({ username: 'lt_550000000000000', idA: 5.5e14, idB: 5e13 });

    // Adjacent but disjoint huge ranges: an off-by-one here would be a false positive.
    const e = r('p{id}s', 1e15 - 1e9, 1e9);
    expect(findPatternOverlap(e, r('p{id}s', 1e15, 1e9))).toBeNull();
    const f = r('p{id}s', 1e15 - 1, 1e9);
    expect(findPatternOverlap(e, f)).toEqual({ username: `p${1e15 - 1}s`, idA: 1e15 - 1, idB: 1e15 - 1 });
  });
});

describe('findPatternOverlap – agrees with brute force', () => {
  const alphabet = fc.constantFrom('a', '1', '0', '_');
  const affix = fc.array(alphabet, { maxLength: 3 }).map((cs) => cs.join(''));
  const range = fc
    .record({ idStart: fc.integer({ min: 0, max: 300 }), span: fc.integer({ min: 0, max: 300 }) })
    .map(({ idStart, span }) => ({ idStart, count: Math.min(span, 301 - idStart) }));

  // Independent patterns rarely collide, so most cases share a base and differ only
  // by a few digits hugging {id} – the interesting, digit-absorbing cases.
  const digits = fc.array(fc.constantFrom('0', '1', '2'), { maxLength: 2 }).map((cs) => cs.join(''));
  const unrelated = fc.tuple(affix, affix, affix, affix).map(([pa, sa, pb, sb]) => [`${pa}{id}${sa}`, `${pb}{id}${sb}`] as const);
  const related = fc
    .tuple(affix, affix, digits, digits, digits, digits)
    .map(([p, s, xa, ya, xb, yb]) => [`${p}${xa}{id}${ya}${s}`, `${p}${xb}{id}${yb}${s}`] as const);
  const identical = affix.chain((p) => affix.map((s) => [`${p}{id}${s}`, `${p}{id}${s}`] as const));
  const randomCase = fc
    .tuple(fc.oneof(unrelated, related, identical), range, range)
    .map(([[pa, pb], ra, rb]) => [r(pa, ra.idStart, ra.count), r(pb, rb.idStart, rb.count)] as const);

  // Plant a known collision: render one username, then carve B's {id} out of any canonical
  // digit run in it. Ranges are then nudged around the planted ids so that both
  // "just contains" and "just misses" boundaries get exercised.
  const nudged = (id: number) =>
    fc
      .tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 6 }))
      .map(([off, count]) => ({ idStart: Math.max(0, id + off), count }));
  const plantedCase = fc
    .tuple(affix, affix, fc.integer({ min: 0, max: 300 }))
    .chain(([pa, sa, idA]) => {
      const u = pa + String(idA) + sa;
      const cuts: [number, number][] = [];
      for (let i = 0; i < u.length; i++) {
        for (let j = i + 1; j <= u.length; j++) {
          const run = u.slice(i, j);
          if (/^(0|[1-9]\d*)$/.test(run) && Number(run) <= 1000) cuts.push([i, j]);
        }
      }
      return fc.constantFrom(...cuts).chain(([i, j]) => {
        const idB = Number(u.slice(i, j));
        const pb = `${u.slice(0, i)}{id}${u.slice(j)}`;
        return fc
          .tuple(nudged(idA), nudged(idB))
          .map(([ra, rb]) => [r(`${pa}{id}${sa}`, ra.idStart, ra.count), r(pb, rb.idStart, rb.count)] as const);
      });
    });

  it('matches set intersection of the generated usernames, and examples are genuine', () => {
    let positives = 0;
    fc.assert(
      fc.property(fc.oneof(randomCase, plantedCase), ([a, b]) => {
        const expected = bruteForceOverlaps(a, b);
        const got = findPatternOverlap(a, b);
        expect(got !== null).toBe(expected);
        expect(findPatternOverlap(b, a) !== null).toBe(expected);
        if (got !== null) {
          positives++;
          expectGeneratedByBoth(a, b, got);
        }
      }),
      { numRuns: 3000 },
    );
    // Guards against the generator drifting into only-trivially-null territory.
    expect(positives).toBeGreaterThan(500);
  });
});
