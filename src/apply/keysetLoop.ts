/**
 * Walks rows in `key` order, one batch per call, resuming after the highest key the last
 * batch touched, until a batch comes back short; dead tuples behind the cursor are never
 * scanned again. Returns the rows touched. `checkAbort` runs before every batch, so an
 * abort stops at a batch boundary.
 */
export async function keysetLoop<K extends string>(
  key: K,
  batchSize: number,
  checkAbort: () => void,
  batch: (cursor: number) => Promise<Record<K, number | string>[]>,
): Promise<number> {
  let cursor = -1;
  let total = 0;
  for (;;) {
    checkAbort();
    const rows = await batch(cursor);
    total += rows.length;
    if (rows.length < batchSize) return total;
    cursor = rows.reduce((m, r) => Math.max(m, Number(r[key])), cursor);
  }
}
