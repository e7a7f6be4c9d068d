/**
 * Exact overlap test between two username populations.
 *
 * A population is `prefix + String(id) + suffix` for every id in
 * `idStart .. idStart + count - 1`. Two populations that can produce the same
 * username would fight over the same row, so the spec validator needs an exact
 * answer (a false positive rejects a valid spec, a false negative lets a
 * collision through) without enumerating ranges that may hold 10^9 ids.
 */

export interface PatternRange {
  /** Must contain exactly one `{id}` placeholder. */
  pattern: string;
  idStart: number;
  count: number;
}

export interface Overlap {
  username: string;
  idA: number;
  idB: number;
}

const PLACEHOLDER = '{id}';

interface Side {
  prefix: string;
  suffix: string;
  lo: bigint;
  hi: bigint;
  minLen: number;
  maxLen: number;
}

function prepare(r: PatternRange, label: string): Side | null {
  const at = r.pattern.indexOf(PLACEHOLDER);
  if (at < 0 || r.pattern.indexOf(PLACEHOLDER, at + 1) >= 0) {
    throw new Error(`pattern ${label} must contain exactly one ${PLACEHOLDER}: ${JSON.stringify(r.pattern)}`);
  }
  if (!Number.isSafeInteger(r.idStart) || r.idStart < 0) {
    throw new RangeError(`idStart ${label} must be a non-negative safe integer, got ${r.idStart}`);
  }
  if (!Number.isSafeInteger(r.count) || r.count < 0) {
    throw new RangeError(`count ${label} must be a non-negative safe integer, got ${r.count}`);
  }
  if (r.count === 0) return null;
  // Summed in BigInt: near 2^53 the float sum rounds and would hide an overflowing range.
  const last = BigInt(r.idStart) + BigInt(r.count) - 1n;
  // Returned ids are plain numbers, so the whole range has to stay exactly representable.
  if (last > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`range ${label} ends beyond Number.MAX_SAFE_INTEGER`);
  }
  return {
    prefix: r.pattern.slice(0, at),
    suffix: r.pattern.slice(at + PLACEHOLDER.length),
    lo: BigInt(r.idStart),
    hi: last,
    minLen: String(r.idStart).length,
    maxLen: last.toString().length,
  };
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';

function floorDiv(n: bigint, d: bigint): bigint {
  // BigInt division truncates toward zero; interval bounds need true floor/ceil for negatives.
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

function ceilDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n > 0n ? q + 1n : q;
}

/**
 * One digit string viewed through the shared core: value = x*10^(L+|y|) + core*10^|y| + y.
 * x/y are the digits that the *other* pattern pins down with literal characters.
 */
interface Framed {
  x: string;
  y: string;
  len: number;
}

/** Narrows [cLo, cHi] to the cores that make this digit string canonical and in range. */
function constrainCore(
  f: Framed,
  coreLen: number,
  side: Side,
  cLo: bigint,
  cHi: bigint,
): [bigint, bigint] {
  let lo = cLo;
  let hi = cHi;

  // Canonical decimal: the id "12" must never be matched by the text "012".
  if (f.len > 1) {
    if (f.x.length > 0) {
      if (f.x[0] === '0') return [1n, 0n];
    } else if (coreLen > 0) {
      const minCore = 10n ** BigInt(coreLen - 1);
      if (lo < minCore) lo = minCore;
    } else if (f.y[0] === '0') {
      return [1n, 0n];
    }
  }

  const yScale = 10n ** BigInt(f.y.length);
  const base = (f.x.length > 0 ? BigInt(f.x) * 10n ** BigInt(coreLen + f.y.length) : 0n) + (f.y.length > 0 ? BigInt(f.y) : 0n);
  // value is strictly increasing in core, so the id range maps to a core interval.
  const rLo = ceilDiv(side.lo - base, yScale);
  const rHi = floorDiv(side.hi - base, yScale);
  if (rLo > lo) lo = rLo;
  if (rHi < hi) hi = rHi;
  return [lo, hi];
}

type Slot = { kind: 'lit'; ch: string } | { kind: 'digit'; index: number };

function slotAt(side: Side, len: number, pos: number): Slot {
  const p = side.prefix.length;
  if (pos < p) return { kind: 'lit', ch: side.prefix[pos] as string };
  if (pos < p + len) return { kind: 'digit', index: pos - p };
  return { kind: 'lit', ch: side.suffix[pos - p - len] as string };
}

/**
 * Tries one concrete pair of id lengths. Fixing both lengths fixes the username
 * length and therefore every position's origin, which turns the problem into:
 * literal chars must agree, literals facing an id must be digits, and the
 * positions where both ids sit form one contiguous free "core".
 */
function tryLengths(a: Side, la: number, b: Side, lb: number): Overlap | null {
  const total = a.prefix.length + la + a.suffix.length;
  const dA: (string | null)[] = new Array<string | null>(la).fill(null);
  const dB: (string | null)[] = new Array<string | null>(lb).fill(null);
  let coreStart = -1;
  let coreLen = 0;

  for (let pos = 0; pos < total; pos++) {
    const sa = slotAt(a, la, pos);
    const sb = slotAt(b, lb, pos);
    if (sa.kind === 'lit' && sb.kind === 'lit') {
      if (sa.ch !== sb.ch) return null;
    } else if (sa.kind === 'lit' && sb.kind === 'digit') {
      if (!isDigit(sa.ch)) return null;
      dB[sb.index] = sa.ch;
    } else if (sa.kind === 'digit' && sb.kind === 'lit') {
      if (!isDigit(sb.ch)) return null;
      dA[sa.index] = sb.ch;
    } else {
      if (coreStart < 0) coreStart = pos;
      coreLen++;
    }
  }

  const frame = (digits: (string | null)[]): Framed => {
    const firstFree = digits.indexOf(null);
    if (firstFree < 0) return { x: digits.join(''), y: '', len: digits.length };
    return {
      x: digits.slice(0, firstFree).join(''),
      y: digits.slice(firstFree + coreLen).join(''),
      len: digits.length,
    };
  };
  const fA = frame(dA);
  const fB = frame(dB);

  let cLo = 0n;
  let cHi = 10n ** BigInt(coreLen) - 1n;
  [cLo, cHi] = constrainCore(fA, coreLen, a, cLo, cHi);
  if (cLo > cHi) return null;
  [cLo, cHi] = constrainCore(fB, coreLen, b, cLo, cHi);
  if (cLo > cHi) return null;

  const core = coreLen > 0 ? cLo.toString().padStart(coreLen, '0') : '';
  const idAText = fA.x + core + fA.y;
  const idBText = fB.x + core + fB.y;
  return {
    username: a.prefix + idAText + a.suffix,
    idA: Number(idAText),
    idB: Number(idBText),
  };
}

/**
 * Returns a username both populations generate (with the id each side uses for it),
 * or null when the populations are provably disjoint.
 *
 * Cost is O(id digits * username length): id lengths are enumerated, ids never are.
 */
export function findPatternOverlap(a: PatternRange, b: PatternRange): Overlap | null {
  const sa = prepare(a, 'A');
  const sb = prepare(b, 'B');
  if (sa === null || sb === null) return null;

  for (let la = sa.minLen; la <= sa.maxLen; la++) {
    // Equal username lengths leave exactly one candidate length for B's id.
    const lb = sa.prefix.length + la + sa.suffix.length - sb.prefix.length - sb.suffix.length;
    if (lb < sb.minLen || lb > sb.maxLen) continue;
    const hit = tryLengths(sa, la, sb, lb);
    if (hit !== null) return hit;
  }
  return null;
}

export interface PairOverlap {
  /** Indexes into the list given to findAllOverlaps, i < j. */
  i: number;
  j: number;
  /** findPatternOverlap(ranges[i], ranges[j]). */
  overlap: Overlap;
}

const isDigitAt = (s: string, at: number): boolean => at >= 0 && at < s.length && isDigit(s[at] as string);

/**
 * Whether two suffixes can end the same username: the shorter ends the longer, and the
 * character just before it in the longer faces the shorter side's id, so it is a digit.
 * (The same holds for prefixes, read from the front.)
 */
function suffixesCompatible(a: string, b: string): boolean {
  if (a.length === b.length) return a === b;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return long.endsWith(short) && isDigitAt(long, long.length - short.length - 1);
}

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Distinct patterns whose prefix ends here. */
  patterns: number[];
}

/**
 * Every pair (i < j) of `ranges` that can produce a common username, exactly as calling
 * findPatternOverlap on every pair would find them and in the same order, without
 * comparing every pair. Positions before either id are literal on both sides, so one
 * prefix must start the other, and the character of the longer one where the shorter
 * ends faces an id: a digit. A trie of prefixes yields, for each pattern, only the
 * patterns whose prefix passes that test; suffixes are checked the same way before the
 * exact test runs. Populations with one and the same pattern overlap exactly when their
 * id ranges do, found by sorting those by idStart.
 */
export function findAllOverlaps(ranges: readonly PatternRange[]): PairOverlap[] {
  const out: PairOverlap[] = [];
  for (const [i, j] of overlapCandidates(ranges)) {
    const overlap = findPatternOverlap(ranges[i]!, ranges[j]!);
    if (overlap) out.push({ i, j, overlap });
  }
  return out;
}

/** The pairs (i < j, in order) findAllOverlaps tests exactly; every other pair provably cannot overlap. */
export function overlapCandidates(ranges: readonly PatternRange[]): [number, number][] {
  const candidates: [number, number][] = [];
  const groups = new Map<string, number[]>();
  ranges.forEach((r, i) => {
    if (r.count === 0) return;
    const list = groups.get(r.pattern);
    if (list) list.push(i);
    else groups.set(r.pattern, [i]);
  });

  // Same pattern: interval overlap, each population against those starting within its range.
  for (const members of groups.values()) {
    const byStart = [...members].sort((x, y) => ranges[x]!.idStart - ranges[y]!.idStart || x - y);
    for (let s = 0; s < byStart.length; s++) {
      const x = byStart[s]!;
      const end = ranges[x]!.idStart + ranges[x]!.count - 1;
      for (let t = s + 1; t < byStart.length && ranges[byStart[t]!]!.idStart <= end; t++) {
        const y = byStart[t]!;
        candidates.push(x < y ? [x, y] : [y, x]);
      }
    }
  }

  // Different patterns: walk each prefix down a trie of all prefixes.
  const distinct = [...groups.keys()];
  const split = distinct.map((p) => {
    const at = p.indexOf(PLACEHOLDER);
    return { prefix: p.slice(0, at), suffix: p.slice(at + PLACEHOLDER.length) };
  });
  const root: TrieNode = { children: new Map(), patterns: [] };
  split.forEach(({ prefix }, k) => {
    let node = root;
    for (const ch of prefix) {
      let next = node.children.get(ch);
      if (!next) node.children.set(ch, (next = { children: new Map(), patterns: [] }));
      node = next;
    }
    node.patterns.push(k);
  });
  split.forEach(({ prefix, suffix }, k) => {
    let node: TrieNode | undefined = root;
    for (let depth = 0; node; depth++) {
      const atEnd = depth === prefix.length;
      // A shorter prefix ending here is compatible only when the next character is a digit;
      // equal prefixes (atEnd) pair once, from the pattern listed later.
      if (atEnd || isDigit(prefix[depth] as string)) {
        for (const other of node.patterns) {
          if (atEnd && other >= k) continue;
          if (!suffixesCompatible(suffix, split[other]!.suffix)) continue;
          for (const x of groups.get(distinct[k]!)!) {
            for (const y of groups.get(distinct[other]!)!) candidates.push(x < y ? [x, y] : [y, x]);
          }
        }
      }
      if (atEnd) break;
      node = node.children.get(prefix[depth] as string);
    }
  });

  return candidates.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}
