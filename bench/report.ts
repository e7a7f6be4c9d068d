/** The benchmark's targets (issue 7) and the table printed on stdout. */

export interface TargetCheck {
  name: string;
  /** The measured figure the target is about. */
  value: number;
  /** How the figure must compare with the bound, as printed. */
  rule: string;
  met: boolean;
}

export function atLeast(name: string, value: number, bound: number, unit = '×'): TargetCheck {
  return { name, value, rule: `≥ ${bound}${unit}`, met: Number.isFinite(value) && value >= bound };
}

export function atMost(name: string, value: number, bound: number, unit = ''): TargetCheck {
  return { name, value, rule: `≤ ${bound}${unit}`, met: Number.isFinite(value) && value <= bound };
}

/** A target that also requires a condition (e.g. the repair actually happened). */
export function both(check: TargetCheck, condition: boolean, what: string): TargetCheck {
  return { ...check, rule: `${check.rule}, ${what}`, met: check.met && condition };
}

export interface TableRow {
  step: string;
  figure: string;
  value: string;
  raw: string;
  target?: TargetCheck;
}

export function formatNumber(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(digits);
}

export function renderTable(rows: readonly TableRow[]): string {
  const header = ['step', 'figure', 'value', 'raw numbers', 'target', 'status'];
  const cells = rows.map((r) => [r.step, r.figure, r.value, r.raw, r.target?.rule ?? '', r.target ? (r.target.met ? 'met' : 'MISSED') : '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((v, i) => (i === 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  let previous = '';
  for (const c of cells) {
    out.push(line(c[0] === previous ? ['', ...c.slice(1)] : c));
    previous = c[0]!;
  }
  return out.join('\n');
}
