/** Columns padded to their widest cell (ANSI colour codes do not count). */
export function table(head: string[], rows: string[][]): string[] {
  const visible = (s: string): number => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i] ?? ''))));
  const line = (cells: string[]): string => cells.map((c, i) => c + ' '.repeat(Math.max(0, widths[i]! - visible(c)))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}
