import type { SeqRange } from '../plan/Plan.ts';

/** One create batch: members `from`..`to`, or exactly `seqs` (within those bounds, in that order) when given. */
export interface SeqBatch {
  from: number;
  to: number;
  seqs?: number[];
}

/**
 * How usernames `prefix + decimal(seq) + suffix` sort as bytes (C collation), which is how
 * the username index orders them:
 * - 'parentFirst': "u_12" before "u_120": the suffix is empty or starts below '0';
 * - 'childrenFirst': "u_120@x" before "u_12@x": the suffix starts above '9';
 * - null: the suffix starts with a digit, and the order is no simple walk of the digits.
 */
export type DigitOrder = 'parentFirst' | 'childrenFirst';

export function digitOrderOf(suffix: string): DigitOrder | null {
  if (suffix === '') return 'parentFirst';
  const c = suffix.charCodeAt(0);
  if (c < 0x30) return 'parentFirst';
  return c > 0x39 ? 'childrenFirst' : null;
}

/**
 * The create batches of `ranges`, `batchSize` members each, generated as the write streams
 * take them (a list of every batch would grow with the count).
 *
 * With `order` null, each batch is a slice of one range in seq order. Otherwise the members
 * are walked in username order (as the C-collation username index sorts them) and each
 * batch is the next `batchSize` of them: for an unpadded pattern such as `user_{id}`, seq
 * order is not username order (user_10 sorts between user_1 and user_100), and rows that
 * reach the B-tree in its own order, each batch right after the last, cost PostgreSQL
 * less (COPY of 1M rows ran at 1.06x the seq-order rate here, 1.09x at 2M; 1.3-1.6x on
 * another machine with PostgreSQL 15). Which members a batch holds does not
 * change what a batch is: one transaction, all of it or none, so a run killed anywhere
 * leaves whole batches behind and the next run's gap search finds the rest.
 */
export function* createBatches(ranges: readonly SeqRange[], batchSize: number, order: DigitOrder | null): Generator<SeqBatch> {
  if (order === null) {
    for (const [from, to] of ranges) {
      for (let a = from; a <= to; a += batchSize) yield { from: a, to: Math.min(to, a + batchSize - 1) };
    }
    return;
  }
  let seqs: number[] = [];
  for (const s of usernameOrder(ranges, order)) {
    seqs.push(s);
    if (seqs.length === batchSize) {
      yield withBounds(seqs);
      seqs = [];
    }
  }
  if (seqs.length > 0) yield withBounds(seqs);
}

function withBounds(seqs: number[]): SeqBatch {
  let from = seqs[0]!;
  let to = from;
  for (const s of seqs) {
    if (s < from) from = s;
    if (s > to) to = s;
  }
  return { from, to, seqs };
}

/**
 * Every seq of `ranges` (sorted, disjoint, non-negative) in the order of its decimal digits
 * as a string: a walk of the decimal trie (children of n are 10n..10n+9), pre-order when a
 * parent sorts first, post-order when its children do. Subtrees holding no seq of the
 * ranges are skipped, so the walk costs the members plus a few probes per digit level.
 */
export function* usernameOrder(ranges: readonly SeqRange[], order: DigitOrder): Generator<number> {
  if (ranges.length === 0) return;
  const max = ranges[ranges.length - 1]![1];
  // The first range whose end is ≥ x (ranges.length when none).
  const firstEndingAtOrAfter = (x: number): number => {
    let lo = 0;
    let hi = ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid]![1] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const overlaps = (a: number, b: number): boolean => {
    const i = firstEndingAtOrAfter(a);
    return i < ranges.length && ranges[i]![0] <= b;
  };
  const contains = (n: number): boolean => overlaps(n, n);
  // Whether n or a descendant of n (n·10^k … (n+1)·10^k − 1) is in the ranges.
  const reaches = (n: number): boolean => {
    for (let p = 1; n * p <= max; p *= 10) if (overlaps(n * p, (n + 1) * p - 1)) return true;
    return false;
  };

  // "0" has no children and sorts before "1".
  if (contains(0)) yield 0;
  if (max < 1) return;
  let n = 1;
  if (order === 'parentFirst') {
    for (;;) {
      if (reaches(n)) {
        if (contains(n)) yield n;
        if (n * 10 <= max) {
          n *= 10;
          continue;
        }
      }
      // Done with n's subtree: on to the next sibling, or up while there is none.
      while (n % 10 === 9 || n + 1 > max) {
        n = Math.floor(n / 10);
        if (n === 0) return;
      }
      n += 1;
    }
  }
  for (;;) {
    // Enter n: down to the first child while there is a subtree worth walking.
    if (reaches(n) && n * 10 <= max) {
      n *= 10;
      continue;
    }
    if (contains(n)) yield n;
    // Done with n's subtree: the next sibling's, or the parent itself when n was the last.
    while (n % 10 === 9 || n + 1 > max) {
      n = Math.floor(n / 10);
      if (n === 0) return;
      if (contains(n)) yield n;
    }
    n += 1;
  }
}
