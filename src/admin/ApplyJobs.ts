import { randomUUID } from 'node:crypto';
import type { ApplyProgress } from '../apply/applyPlan.ts';

export interface ApplyJob<R> {
  id: string;
  startedAt: Date;
  progress?: ApplyProgress;
  result?: R;
  error?: unknown;
  done: boolean;
}

/**
 * Applies started from the page, run in the background so the browser can follow their
 * progress (the page reloads itself) instead of waiting on one long request. Kept in
 * memory, the last few only: the run history in the database is the record.
 */
export class ApplyJobs<R> {
  private readonly jobs = new Map<string, ApplyJob<R>>();
  constructor(private readonly keep = 20) {}

  start(work: (onProgress: (p: ApplyProgress) => void) => Promise<R>): ApplyJob<R> {
    const job: ApplyJob<R> = { id: randomUUID(), startedAt: new Date(), done: false };
    this.jobs.set(job.id, job);
    for (const id of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - this.keep))) this.jobs.delete(id);
    work((p) => (job.progress = p)).then(
      (r) => Object.assign(job, { result: r, done: true }),
      (err: unknown) => Object.assign(job, { error: err, done: true }),
    );
    return job;
  }

  get(id: string): ApplyJob<R> | undefined {
    return this.jobs.get(id);
  }
}
