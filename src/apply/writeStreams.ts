import { performance } from 'node:perf_hooks';

/** How many create batches are written at once: a fixed number, or 'auto' (measured). */
export type WriteStreamsSetting = number | 'auto';

/** What a run's creates used, for its summary and log: the streams, and what 'auto' measured. */
export interface WriteStreamsReport {
  setting: WriteStreamsSetting;
  /** The streams the creates went on with (after the probe, for 'auto'). */
  streams: number;
  /** 'auto' only: rows/s measured on one stream and on two, each over its probe phases. */
  measured?: { oneStream: number; twoStreams: number };
}

/**
 * 'auto' probes only when a run creates at least this many rows: below it the whole create
 * takes about a second, too short both to measure and to gain from a second stream.
 */
export const AUTO_PROBE_MIN_ROWS = 100_000;
/** Each probe phase writes batches for this long (and at least one batch per stream). */
const PHASE_SECONDS = 0.25;
/** One stream, two, one, two: alternating evens out the table growing (and neighbours' load) during the probe. */
const PROBE = [1, 2, 1, 2] as const;
/** Two streams hold a second connection and a second core: they must write this much faster to be kept. */
const TWO_STREAMS_MARGIN = 1.05;

/**
 * Chooses the streams of one run's creates. With a number, that many. With 'auto' and a
 * large enough create, the first batches are written in alternating phases on one stream
 * and on two, and the rest goes on with the faster (two only when ≥ 5% faster). Two
 * streams wrote 1,000,000 users in 0.65 of one stream's time on a machine whose PostgreSQL
 * had a core per stream, and took longer than one on a busy 2-core machine: the gain
 * depends on the machine, so it is measured where the reconciler runs. One choice per run
 * (the probe carries on over populations), made on batches that are written anyway.
 */
export class WriteStreamsChoice {
  private readonly phases: { streams: number; rows: number; seconds: number }[] = [];
  private chosen: number | undefined;

  constructor(
    readonly setting: WriteStreamsSetting,
    createRows: number,
  ) {
    if (setting !== 'auto') this.chosen = Math.max(1, setting);
    else if (createRows < AUTO_PROBE_MIN_ROWS) this.chosen = 1;
  }

  /** Writes every item through `work` (which returns the rows it wrote) on the chosen streams, probing first while undecided. */
  async write<T>(items: Iterator<T>, checkAbort: () => void, work: (item: T) => Promise<number>): Promise<void> {
    let exhausted = false;
    const source: Iterator<T> = {
      next: () => {
        const r = items.next();
        if (r.done) exhausted = true;
        return r;
      },
    };
    while (this.chosen === undefined && !exhausted) {
      const streams = PROBE[this.phases.length]!;
      const started = performance.now();
      const deadline = started + PHASE_SECONDS * 1000;
      let rows = 0;
      let taken = 0;
      const phase: Iterator<T> = {
        next: () => (taken >= streams && performance.now() >= deadline ? { done: true, value: undefined } : (taken++, source.next())),
      };
      await inParallel(phase, streams, checkAbort, async (item) => {
        const n = await work(item); // not `rows += await …`: that reads rows before the wait
        rows += n;
      });
      if (rows > 0) this.phases.push({ streams, rows, seconds: (performance.now() - started) / 1000 });
      if (this.phases.length === PROBE.length) this.decide();
    }
    if (!exhausted) await inParallel(source, this.chosen!, checkAbort, async (item) => void (await work(item)));
  }

  private rate(streams: number): number {
    const mine = this.phases.filter((p) => p.streams === streams);
    const seconds = mine.reduce((s, p) => s + p.seconds, 0);
    return seconds > 0 ? mine.reduce((n, p) => n + p.rows, 0) / seconds : NaN;
  }

  private decide(): void {
    this.chosen = this.rate(2) >= this.rate(1) * TWO_STREAMS_MARGIN ? 2 : 1;
  }

  report(): WriteStreamsReport {
    const last = this.phases[this.phases.length - 1];
    return {
      setting: this.setting,
      streams: this.chosen ?? last?.streams ?? 1,
      ...(this.phases.length > 0 ? { measured: { oneStream: this.rate(1), twoStreams: this.rate(2) } } : {}),
    };
  }
}

/** The choice as the CLI's summary says it, e.g. "creates on 2 write streams (auto: 1 stream 61,200 rows/s, 2 streams 88,400 rows/s)". */
export function describeWriteStreams(r: WriteStreamsReport): string {
  const rate = (n: number): string => (Number.isFinite(n) ? `${Math.round(n).toLocaleString('en-US')} rows/s` : 'not measured');
  const how = r.measured ? `auto: 1 stream ${rate(r.measured.oneStream)}, 2 streams ${rate(r.measured.twoStreams)}` : r.setting === 'auto' ? 'auto: too few rows to measure' : 'writeStreams';
  return `creates on ${r.streams} write stream${r.streams === 1 ? '' : 's'} (${how})`;
}

/**
 * Runs `work` over every item, at most `streams` at a time, each stream taking the next
 * item when it is done with one, and settles every one it started before returning or
 * throwing: nothing may still be writing once the caller releases the reconcile lock.
 * After a failure or an abort no new item starts; the first error is thrown.
 */
export async function inParallel<T>(items: Iterator<T>, streams: number, checkAbort: () => void, work: (item: T) => Promise<void>): Promise<void> {
  let failure: { err: unknown } | undefined;
  const stream = async (): Promise<void> => {
    for (let next = items.next(); !failure && !next.done; next = items.next()) {
      try {
        checkAbort();
        await work(next.value);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, streams) }, stream));
  if (failure) throw failure.err;
}
