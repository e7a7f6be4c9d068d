import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AUTO_PROBE_MIN_ROWS, describeWriteStreams, WriteStreamsChoice } from '../../src/apply/writeStreams.ts';

const ROWS = 1000;
const items = (n: number): Iterator<number> => Array.from({ length: n }, (_, i) => i)[Symbol.iterator]();
const noAbort = (): void => {};

/** Writes `n` items through `choice` with `work`; returns every item written and the most written at once. */
async function writeAll(choice: WriteStreamsChoice, n: number, work: () => Promise<void>): Promise<{ written: number[]; peak: number }> {
  const written: number[] = [];
  let running = 0;
  let peak = 0;
  await choice.write(items(n), noAbort, async (item) => {
    peak = Math.max(peak, ++running);
    try {
      await work();
    } finally {
      running--;
    }
    written.push(item);
    return ROWS;
  });
  return { written, peak };
}

describe('WriteStreamsChoice', () => {
  it('honours a fixed number', async () => {
    const choice = new WriteStreamsChoice(3, 10_000_000);
    const { written, peak } = await writeAll(choice, 30, () => sleep(2));
    expect(peak).toBe(3);
    expect(written.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(choice.report()).toEqual({ setting: 3, streams: 3 });
  });

  it('auto, below the rows worth measuring: one stream, nothing measured', async () => {
    const choice = new WriteStreamsChoice('auto', AUTO_PROBE_MIN_ROWS - 1);
    const { peak } = await writeAll(choice, 20, () => sleep(1));
    expect(peak).toBe(1);
    expect(choice.report()).toEqual({ setting: 'auto', streams: 1 });
  });

  it('auto: keeps two streams when batches run side by side at full speed', async () => {
    const choice = new WriteStreamsChoice('auto', 10_000_000);
    // Each batch waits 10 ms on its own: two streams write about twice the rows per second.
    const { written, peak } = await writeAll(choice, 400, () => sleep(10));
    expect(peak).toBe(2);
    expect(new Set(written).size).toBe(400);
    const r = choice.report();
    expect(r.streams, JSON.stringify(r)).toBe(2);
    expect(r.measured!.twoStreams).toBeGreaterThan(r.measured!.oneStream);
  });

  it('auto: goes on with one stream when a second only waits for the first', async () => {
    const choice = new WriteStreamsChoice('auto', 10_000_000);
    // One writer at a time, and a batch that had to wait pays 5 ms more (contention).
    let tail: Promise<void> = Promise.resolve();
    let busy = false;
    const work = async (): Promise<void> => {
      const waited = busy;
      const mine = tail.then(async () => {
        busy = true;
        await sleep(waited ? 15 : 10);
        busy = false;
      });
      tail = mine;
      await mine;
    };
    const { written } = await writeAll(choice, 300, work);
    expect(new Set(written).size).toBe(300);
    const r = choice.report();
    expect(r.streams).toBe(1);
    expect(r.measured!.oneStream).toBeGreaterThan(r.measured!.twoStreams);
  });

  it('auto: a create that ends during the probe writes every item and reports what it measured', async () => {
    const choice = new WriteStreamsChoice('auto', 10_000_000);
    const { written } = await writeAll(choice, 5, () => sleep(1));
    expect(written.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    expect(choice.report().measured!.oneStream).toBeGreaterThan(0);
  });

  it('stops at the first failure and throws it, after settling what had started', async () => {
    const choice = new WriteStreamsChoice('auto', 10_000_000);
    let started = 0;
    let settled = 0;
    await expect(
      choice.write(items(1000), noAbort, async (item) => {
        started++;
        await sleep(2);
        settled++;
        if (item === 3) throw new Error('batch 3 failed');
        return ROWS;
      }),
    ).rejects.toThrow('batch 3 failed');
    expect(settled).toBe(started);
    expect(started).toBeLessThan(10);
  });
});

describe('describeWriteStreams', () => {
  it('says the streams and, for auto, both rates', () => {
    expect(describeWriteStreams({ setting: 'auto', streams: 2, measured: { oneStream: 61_234.4, twoStreams: 88_400 } })).toBe(
      'creates on 2 write streams (auto: 1 stream 61,234 rows/s, 2 streams 88,400 rows/s)',
    );
    expect(describeWriteStreams({ setting: 'auto', streams: 1, measured: { oneStream: 50_000, twoStreams: NaN } })).toBe('creates on 1 write stream (auto: 1 stream 50,000 rows/s, 2 streams not measured)');
    expect(describeWriteStreams({ setting: 'auto', streams: 1 })).toBe('creates on 1 write stream (auto: too few rows to measure)');
    expect(describeWriteStreams({ setting: 3, streams: 3 })).toBe('creates on 3 write streams (writeStreams)');
  });
});
