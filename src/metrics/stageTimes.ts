import { performance } from 'node:perf_hooks';

/**
 * Milliseconds spent per stage of a bulk operation, summed over its chunks (and over
 * concurrent chunks, so the sum can exceed the wall time). Cheap enough to keep on: a
 * few clock reads per chunk of thousands of records. Read by the benchmark to show
 * where a full sync's time goes.
 */
export type StageTimes = Record<string, number>;

export function addStage(times: StageTimes, stage: string, ms: number): void {
  times[stage] = (times[stage] ?? 0) + ms;
}

/** Runs `work` and adds its duration to `stage`, whether it succeeds or not. */
export async function timed<T>(times: StageTimes, stage: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    addStage(times, stage, performance.now() - started);
  }
}

/** Laps of one request, in order, for a Server-Timing header. */
export class StageClock {
  private last = performance.now();
  readonly laps: [string, number][] = [];

  /** Ends the stage that began at the previous lap (or at construction). */
  lap(stage: string): void {
    const now = performance.now();
    this.laps.push([stage, now - this.last]);
    this.last = now;
  }

  /** `decode;dur=1.2, validate;dur=0.4`: the standard header, so any client can read it. */
  serverTiming(): string {
    return this.laps.map(([stage, ms]) => `${stage};dur=${ms.toFixed(2)}`).join(', ');
  }
}

/** Adds the durations of a Server-Timing header to `times`, each stage under `prefix` + its name; ignores what it cannot read. */
export function addServerTiming(times: StageTimes, header: string | null, prefix: string): void {
  if (!header) return;
  for (const entry of header.split(',')) {
    const [name, ...params] = entry.trim().split(';');
    const dur = params.map((p) => /^\s*dur=([0-9.]+)\s*$/.exec(p)?.[1]).find((d) => d !== undefined);
    if (name && /^[\w.-]+$/.test(name) && dur !== undefined) addStage(times, prefix + name, Number(dur));
  }
}
