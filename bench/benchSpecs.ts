/**
 * The spec documents the benchmark reconciles: two populations (99% "bulk", 1% "delta",
 * so a 1% change is one spec edit) and, when syncing, one Load Tester target. JSON is
 * YAML, so the documents are written as JSON.
 */
import { API_VERSION } from '../src/spec/schemaValidator.ts';

export const PASSWORD_ENV = 'BENCH_PASSWORD';
export const PASSWORD = 'Bench-Plain-Pass-42';
export const TARGET = 'lt';

export interface BenchPopulation {
  name: string;
  count: number;
  /** Changing it changes the content of every member (the differential step). */
  tier: number;
  /** The lease's end; one in the past makes the reconcile delete every member (the expiry step). */
  expiresAt?: string;
}

export function populationSizes(n: number): { bulk: number; delta: number } {
  const delta = Math.max(1, Math.round(n / 100));
  return { bulk: n - delta, delta };
}

export function patternOf(name: string): { prefix: string; suffix: string } {
  return { prefix: `${name}_`, suffix: '@bench.example' };
}

export function attributesOf(p: Pick<BenchPopulation, 'tier'>): Record<string, unknown> {
  return { role: 'customer', locale: 'ja-JP', tier: p.tier };
}

/** A spec document as the loader reads it (JSON is YAML). */
export function specDocument(kind: 'TestUserPopulation' | 'SyncTarget', name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: API_VERSION, kind, metadata: { name }, spec });
}

export function benchSpecText(opts: { populations: BenchPopulation[]; batchSize: number; loadTesterUrl?: string; sync: boolean; chunkSize?: number; concurrency?: number }): string {
  const docs = opts.populations.map((p) =>
    specDocument('TestUserPopulation', p.name, {
      count: p.count,
      usernamePattern: `${patternOf(p.name).prefix}{id}${patternOf(p.name).suffix}`,
      password: { fromEnv: PASSWORD_ENV },
      attributes: attributesOf(p),
      batchSize: opts.batchSize,
      syncTargets: opts.sync ? [TARGET] : [],
      ...(p.expiresAt ? { expiresAt: p.expiresAt } : {}),
    }),
  );
  if (opts.loadTesterUrl) {
    docs.push(
      // The target's defaults (or --sync-chunk-size / --sync-concurrency) except a timeout that a loaded 2-core machine meets.
      specDocument('SyncTarget', TARGET, {
        type: 'loadtester',
        url: opts.loadTesterUrl,
        timeoutSeconds: 120,
        retry: { attempts: 3, delaySeconds: 1 },
        ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
        ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      }),
    );
  }
  return docs.join('\n---\n');
}
