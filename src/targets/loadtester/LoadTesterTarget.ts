import type { SyncTargetSpec } from '../../spec/DesiredState.ts';
import { TargetError, type IncrementalTarget, type RecordRuns, type SetDigest, type TargetRecord } from '../SyncTargetDriver.ts';
import { expandRuns, runRecords } from '../../loadtester/credentialRuns.ts';
import { withRetry } from '../withRetry.ts';
import { MAX_LISTED_BUCKETS } from '../../loadtester/routeSchemas.ts';
import { performance } from 'node:perf_hooks';
import { addServerTiming, addStage, type StageTimes } from '../../metrics/stageTimes.ts';
import { shareFields, type UpsertRequest } from './shareFields.ts';
import { missingTokenAdvice, resolveTargetConnection, type TargetConnection } from './targetConnection.ts';

/**
 * The top-level field of an upsert body a Load Tester from before it refused (400, worded
 * "shared is not a known field"), if that is what `err` is. A body of runs alone is
 * refused by a Load Tester from before runs for lacking `users` (its schema required
 * them, and says so before naming an unknown field): `users is required`, which a Load
 * Tester that takes runs never answers.
 */
function refusedField(err: unknown): 'shared' | 'runs' | undefined {
  if (!(err instanceof TargetError && err.status === 400)) return undefined;
  const m = /\b(shared|runs)\b[^,]*not a known field|additional propert[^,]*\b(shared|runs)\b/.exec(err.message);
  if (m) return (m[1] ?? m[2]) as 'shared' | 'runs';
  return /"users is required"|required property '?users\b/.test(err.message) ? 'runs' : undefined;
}

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
 * The Load Tester over HTTP (docs/load-tester-protocol.md), authenticated with its write
 * token. Each request has the target's timeout and is retried by its retry policy; 4xx
 * answers are terminal, and so is a connection failure of an optional target (it is
 * skipped this run rather than waited for).
 */
export class LoadTesterTarget implements IncrementalTarget {
  readonly mode = 'incremental';
  readonly name: string;
  readonly stats: TransferStats = { requests: 0, bytesSent: 0, bytesReceived: 0, recordsUpserted: 0, recordsDeleted: 0, recordsListed: 0 };
  /**
   * Milliseconds per stage, summed over requests: `client.encode` (JSON of the bodies),
   * `client.http` (from sending to the whole answer read), and `server.*` as each answer's
   * Server-Timing header reports the Load Tester's own stages.
   */
  readonly stageMs: StageTimes = {};
  private connection: Promise<TargetConnection> | undefined;
  private refused: TargetError | undefined;

  constructor(
    private readonly spec: SyncTargetSpec,
    private readonly onRetry?: (err: Error, attempt: number) => void,
    /** Where the URL and token variables are read (the reconciler's environment). */
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.name = spec.name;
  }

  async digests(): Promise<Map<string, SetDigest>> {
    const body = await this.call<{ populations: Record<string, SetDigest> }>('GET', '/api/users/digest', undefined, (b) => isRecord(b.populations) && Object.values(b.populations).every(isSetDigest));
    return new Map(Object.entries(body.populations));
  }

  async bucketDigests(population: string, buckets: number): Promise<Map<number, SetDigest>> {
    const q = new URLSearchParams({ population, buckets: String(buckets) });
    const body = await this.call<{ buckets?: ({ bucket: number } & SetDigest)[] }>('GET', `/api/users/digest?${q}`, undefined, (b) => b.buckets === undefined || (Array.isArray(b.buckets) && b.buckets.every((x) => isSetDigest(x) && Number.isInteger((x as { bucket?: unknown }).bucket))));
    return new Map((body.buckets ?? []).map((b) => [b.bucket, { count: b.count, digest: b.digest }]));
  }

  async listBuckets(population: string, buckets: number, bucketList: readonly number[]): Promise<{ username: string; content_hash: string }[]> {
    // Each request is one pass over the population on the Load Tester's side, so as few
    // as the URL allows, one after the other.
    const out: { username: string; content_hash: string }[] = [];
    for (let i = 0; i < bucketList.length; i += MAX_LISTED_BUCKETS) out.push(...(await this.listPart(population, buckets, bucketList.slice(i, i + MAX_LISTED_BUCKETS))));
    return out;
  }

  private oneBucketPerListing = false;

  private async listPart(population: string, buckets: number, part: readonly number[]): Promise<{ username: string; content_hash: string }[]> {
    if (!this.oneBucketPerListing) {
      try {
        return await this.listOnce(population, buckets, part.join(','));
      } catch (err) {
        // A Load Tester from before lists took `bucket` as one integer and refuses a list
        // (400): from then on, one bucket per request, as it was asked before.
        if (!(err instanceof TargetError && err.status === 400 && part.length > 1)) throw err;
        this.oneBucketPerListing = true;
      }
    }
    const out: { username: string; content_hash: string }[] = [];
    for (const b of part) out.push(...(await this.listOnce(population, buckets, String(b))));
    return out;
  }

  private async listOnce(population: string, buckets: number, bucket: string): Promise<{ username: string; content_hash: string }[]> {
    const q = new URLSearchParams({ population, buckets: String(buckets), bucket });
    const body = await this.call<{ users: { username: string; content_hash: string }[] }>('GET', `/api/users/bucket?${q}`, undefined, (b) => Array.isArray(b.users) && b.users.every((u) => isRecord(u) && typeof u.username === 'string' && typeof u.content_hash === 'string'));
    this.stats.recordsListed += body.users.length;
    return body.users;
  }

  /**
   * The richest upsert body this Load Tester takes, learnt from its refusals: runs beside
   * `shared` fields, `shared` fields, or whole records (its version predates the others).
   */
  private accepts: 'runs' | 'shared' | 'whole' = 'runs';

  async upsert(records: TargetRecord[], runs?: RecordRuns): Promise<void> {
    const count = records.length + (runs ? runRecords(runs.runs) : 0);
    for (;;) {
      const body = this.upsertBody(records, runs);
      try {
        await this.postUpsert(body, count);
        break;
      } catch (err) {
        // A Load Tester from before a top-level field refuses it (400): from then on, bodies
        // without it. Any other refusal is about the records, and stands.
        const refused = refusedField(err);
        if (!refused || !(refused in body)) throw err;
        this.accepts = refused === 'runs' ? 'shared' : 'whole';
      }
    }
    this.stats.recordsUpserted += count;
  }

  private upsertBody(records: TargetRecord[], runs?: RecordRuns): UpsertRequest {
    if (runs && this.accepts === 'runs') return { ...shareFields(records, runs.fields), runs: runs.runs };
    const all = runs ? [...records, ...expandRuns(runs)] : records;
    return this.accepts === 'whole' ? { users: all } : shareFields(all);
  }

  private async postUpsert(body: UpsertRequest, count: number): Promise<void> {
    // The counts must add up: a 200 that did not come from a Load Tester is not a write.
    await this.call('POST', '/api/users/bulk-upsert', body, (b) => [b.inserted, b.updated, b.unchanged].every(Number.isInteger) && (b.inserted as number) + (b.updated as number) + (b.unchanged as number) === count);
  }

  async delete(usernames: string[]): Promise<void> {
    await this.call('POST', '/api/users/bulk-delete', { usernames }, (b) => [b.deleted, b.missing].every(Number.isInteger) && (b.deleted as number) + (b.missing as number) === new Set(usernames).size);
    this.stats.recordsDeleted += usernames.length;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body: unknown, expected: (answer: Record<string, unknown>) => boolean): Promise<T> {
    // Resolved once per driver (one run): the environment does not change mid-run.
    this.connection ??= resolveTargetConnection(this.spec, this.env);
    const connection = await this.connection;
    if (this.refused) throw this.refused;
    return withRetry(this.spec.retry, () => this.once<T>(connection, method, path, body, expected), this.onRetry);
  }

  private async once<T>(connection: TargetConnection, method: 'GET' | 'POST', path: string, body: unknown, expected: (answer: Record<string, unknown>) => boolean): Promise<T> {
    const { base } = connection;
    const encodeStarted = performance.now();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const sendStarted = performance.now();
    addStage(this.stageMs, 'client.encode', sendStarted - encodeStarted);
    this.stats.requests++;
    this.stats.bytesSent += payload ? Buffer.byteLength(payload) : 0;
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { ...(connection.token !== undefined ? { authorization: `Bearer ${connection.token}` } : {}), ...(payload ? { 'content-type': 'application/json' } : {}) },
        ...(payload ? { body: payload } : {}),
        signal: AbortSignal.timeout(this.spec.timeoutSeconds * 1000),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${this.spec.timeoutSeconds}s` : (e.cause?.code ?? e.message);
      // An optional target that is not there is skipped now, not waited for through every retry.
      throw new TargetError(this.name, `${method} ${base}${path} failed: ${why}`, !this.spec.optional, true);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new TargetError(this.name, `${method} ${path}: connection lost while reading the answer (${(err as Error).message})`, true);
    }
    this.stats.bytesReceived += Buffer.byteLength(text);
    addStage(this.stageMs, 'client.http', performance.now() - sendStarted);
    addServerTiming(this.stageMs, res.headers.get('server-timing'), 'server.');
    if (res.status === 401) {
      // Every later request would be refused the same way: stop sending (passwords included).
      this.refused = new TargetError(
        this.name,
        (connection.token === undefined ? `the Load Tester at ${base} requires a token and none was found (401): ` : `the Load Tester at ${base} refused the token from ${connection.tokenFrom} (401): `) +
          missingTokenAdvice(connection, this.env),
        false,
      );
      throw this.refused;
    }
    if (res.status === 403) {
      throw new TargetError(this.name, `${method} ${path} answered 403 with the token from ${connection.tokenFrom ?? 'nowhere'}: ${text.slice(0, 300)}`, false);
    }
    if (!res.ok) {
      const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
      throw new TargetError(this.name, `${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`, retryable, false, retryAfterMs(res.headers.get('retry-after')), res.status);
    }
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new TargetError(this.name, `${method} ${path} answered something that is not JSON`, true);
    }
    // Valid JSON of another shape (a different service at this URL, a proxy's page) is no
    // answer of the protocol: terminal, so nothing is recorded as synced on its word.
    if (!isRecord(answer) || !expected(answer)) {
      throw new TargetError(this.name, `${method} ${path} answered JSON of an unexpected shape (is ${base} a Load Tester?): ${text.slice(0, 200)}`, false);
    }
    return answer as T;
  }
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const ms = /^\d+$/.test(header.trim()) ? Number(header.trim()) * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSetDigest(v: unknown): v is SetDigest {
  return isRecord(v) && Number.isInteger(v.count) && typeof v.digest === 'string';
}
