import type { SyncTargetSpec } from '../../spec/DesiredState.ts';
import { TargetError, type IncrementalTarget, type SetDigest, type TargetRecord } from '../SyncTargetDriver.ts';
import { withRetry } from '../withRetry.ts';

/** Traffic counters, so tests and benchmarks can prove how little a sync sends. */
export interface TransferStats {
  requests: number;
  bytesSent: number;
  bytesReceived: number;
  recordsUpserted: number;
  recordsDeleted: number;
  recordsListed: number;
}

/**
 * The Load Tester over HTTP (docs/load-tester-protocol.md). Each request has the target's
 * timeout and is retried by its retry policy; 4xx answers are terminal.
 */
export class LoadTesterTarget implements IncrementalTarget {
  readonly mode = 'incremental';
  readonly name: string;
  readonly stats: TransferStats = { requests: 0, bytesSent: 0, bytesReceived: 0, recordsUpserted: 0, recordsDeleted: 0, recordsListed: 0 };
  private readonly base: string;

  constructor(
    private readonly spec: SyncTargetSpec,
    private readonly onRetry?: (err: Error, attempt: number) => void,
  ) {
    this.name = spec.name;
    this.base = spec.url!.replace(/\/+$/, '');
  }

  async digests(): Promise<Map<string, SetDigest>> {
    const body = await this.call<{ populations: Record<string, SetDigest> }>('GET', '/api/users/digest');
    return new Map(Object.entries(body.populations));
  }

  async bucketDigests(population: string, buckets: number): Promise<Map<number, SetDigest>> {
    const q = new URLSearchParams({ population, buckets: String(buckets) });
    const body = await this.call<{ buckets?: ({ bucket: number } & SetDigest)[] }>('GET', `/api/users/digest?${q}`);
    return new Map((body.buckets ?? []).map((b) => [b.bucket, { count: b.count, digest: b.digest }]));
  }

  async listBucket(population: string, buckets: number, bucket: number): Promise<{ username: string; content_hash: string }[]> {
    const q = new URLSearchParams({ population, buckets: String(buckets), bucket: String(bucket) });
    const body = await this.call<{ users: { username: string; content_hash: string }[] }>('GET', `/api/users/bucket?${q}`);
    this.stats.recordsListed += body.users.length;
    return body.users;
  }

  async upsert(records: TargetRecord[]): Promise<void> {
    await this.call('POST', '/api/users/bulk-upsert', { users: records });
    this.stats.recordsUpserted += records.length;
  }

  async delete(usernames: string[]): Promise<void> {
    await this.call('POST', '/api/users/bulk-delete', { usernames });
    this.stats.recordsDeleted += usernames.length;
  }

  private call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return withRetry(this.spec.retry, () => this.once<T>(method, path, body), this.onRetry);
  }

  private async once<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    this.stats.requests++;
    this.stats.bytesSent += payload ? Buffer.byteLength(payload) : 0;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: payload ? { 'content-type': 'application/json' } : {},
        ...(payload ? { body: payload } : {}),
        signal: AbortSignal.timeout(this.spec.timeoutSeconds * 1000),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${this.spec.timeoutSeconds}s` : (e.cause?.code ?? e.message);
      throw new TargetError(this.name, `${method} ${this.base}${path} failed: ${why}`, true);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new TargetError(this.name, `${method} ${path}: connection lost while reading the answer (${(err as Error).message})`, true);
    }
    this.stats.bytesReceived += Buffer.byteLength(text);
    if (!res.ok) {
      const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
      throw new TargetError(this.name, `${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`, retryable);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new TargetError(this.name, `${method} ${path} answered something that is not JSON`, true);
    }
  }
}
