import { HttpError } from '../http/HttpError.ts';

export interface ActiveOperation {
  kind: string;
  detail: string;
  startedAt: Date;
}

/** Why a running operation stopped: the server is shutting down. */
export class ShuttingDownError extends Error {
  constructor() {
    super('the server is shutting down; the operation stopped at a batch boundary and the next reconcile completes it');
    this.name = 'ShuttingDownError';
  }
}

/**
 * The writing operations (create, sync) in flight: what /stats reports as
 * active_operations, and what a graceful shutdown waits for. Each gets the signal that
 * stops it at the next batch boundary if it outlasts the shutdown grace period.
 */
export class OperationTracker {
  private readonly running = new Map<Promise<unknown>, ActiveOperation>();
  private readonly controller = new AbortController();
  private closing = false;

  async run<T>(kind: string, detail: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.closing) throw new HttpError(503, 'shutting_down', 'the server is shutting down; try again on another instance or after it restarts');
    const p = work(this.controller.signal);
    this.running.set(p, { kind, detail, startedAt: new Date() });
    try {
      return await p;
    } finally {
      this.running.delete(p);
    }
  }

  list(): ActiveOperation[] {
    return [...this.running.values()];
  }

  /** Refuses new operations, waits up to `graceMs` for running ones, then stops them at their next batch boundary and waits for that. */
  async shutdown(graceMs: number): Promise<void> {
    this.closing = true;
    const all = (): Promise<unknown> => Promise.allSettled([...this.running.keys()]);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const first = await Promise.race([all().then(() => 'done' as const), graceOver]);
    clearTimeout(timer);
    if (first === 'timeout') {
      this.controller.abort(new ShuttingDownError());
      await all();
    }
  }
}
