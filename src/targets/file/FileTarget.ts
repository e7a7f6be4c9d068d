import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SyncTargetSpec } from '../../spec/DesiredState.ts';
import { formatCredentials, type CredentialFormat } from '../credentialFormats.ts';
import type { SnapshotTarget, TargetRecord } from '../SyncTargetDriver.ts';

/**
 * A credentials file for a load-test tool. Written to a temporary file beside it, synced,
 * then renamed over it, so a reader never sees half a file; mode 0600 because it is the
 * one place plaintext passwords are written.
 */
export class FileTarget implements SnapshotTarget {
  readonly mode = 'snapshot';
  readonly name: string;
  readonly path: string;
  private readonly format: CredentialFormat;

  constructor(spec: SyncTargetSpec, baseDir: string) {
    this.name = spec.name;
    this.path = path.resolve(baseDir, spec.path!);
    this.format = spec.format ?? 'csv';
  }

  async fingerprint(): Promise<string | null> {
    const hash = createHash('sha256');
    try {
      for await (const chunk of createReadStream(this.path)) hash.update(chunk as Buffer);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return hash.digest('hex');
  }

  async write(records: AsyncIterable<TargetRecord>): Promise<string> {
    await mkdir(path.dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    const hash = createHash('sha256');
    const handle = await open(tmp, 'w', 0o600);
    try {
      for await (const text of formatCredentials(this.format, chunked(records))) {
        hash.update(text);
        await handle.write(text);
      }
      await handle.sync();
    } catch (err) {
      await handle.close();
      await rm(tmp, { force: true });
      throw err;
    }
    await handle.close();
    await rename(tmp, this.path);
    return hash.digest('hex');
  }
}

async function* chunked(records: AsyncIterable<TargetRecord>): AsyncGenerator<TargetRecord[]> {
  let buf: TargetRecord[] = [];
  for await (const r of records) {
    buf.push(r);
    if (buf.length >= 1000) {
      yield buf;
      buf = [];
    }
  }
  if (buf.length) yield buf;
}
