import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SyncTargetSpec } from '../../spec/DesiredState.ts';
import { formatCredentials, type CredentialFormat } from '../credentialFormats.ts';
import { TargetError, type SnapshotTarget, type TargetRecord } from '../SyncTargetDriver.ts';
import { MANIFEST_NAME, manifestPath, ownerOf, recordOwner } from './fileTargetManifest.ts';

/**
 * A credentials file for a load-test tool, inside the file target directory and nowhere
 * else. Written to a temporary file beside it, synced, then renamed over it, so a reader
 * never sees half a file; mode 0600 because it is the one place plaintext passwords are
 * written. A file already there that bulk-users did not write (not in the directory's
 * manifest) is never replaced.
 */
export class FileTarget implements SnapshotTarget {
  readonly mode = 'snapshot';
  readonly name: string;
  readonly path: string;
  private readonly dir: string;
  private readonly format: CredentialFormat;

  /** `dir`: the file target directory; the spec's path is relative to it. */
  constructor(spec: SyncTargetSpec, dir: string) {
    this.name = spec.name;
    this.dir = path.resolve(dir);
    this.path = path.resolve(this.dir, spec.path!);
    this.format = spec.format ?? 'csv';
  }

  /**
   * Lexically inside is not enough: a symbolic link on the way could lead elsewhere. The
   * deepest part of the path that exists is resolved, and must stay in the (resolved)
   * target directory; returns that directory.
   */
  private async assertResolvesInside(): Promise<string> {
    let realDir: string;
    try {
      realDir = await realpath(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.dir; // nothing exists yet, so no link either
      throw err;
    }
    let existing = this.path;
    const rest: string[] = [];
    for (;;) {
      try {
        this.assertInside(path.join(await realpath(existing), ...rest), realDir);
        return realDir;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        rest.unshift(path.basename(existing));
        existing = path.dirname(existing);
      }
    }
  }

  async fingerprint(): Promise<string | null> {
    this.assertInside(this.path, this.dir);
    await this.assertResolvesInside();
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
    this.assertInside(this.path, this.dir);
    await mkdir(this.dir, { recursive: true });
    // Checked before any directory on the way is created: a symbolic link inside the
    // target directory must not make us create directories wherever it leads.
    const realDir = await this.assertResolvesInside();
    await mkdir(path.dirname(this.path), { recursive: true });
    this.assertInside(path.join(await realpath(path.dirname(this.path)), path.basename(this.path)), realDir);
    await this.assertReplaceable(realDir);
    await recordOwner(realDir, path.join(realDir, path.relative(this.dir, this.path)), this.name);

    const tmp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    const hash = createHash('sha256');
    const handle = await open(tmp, 'wx', 0o600);
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

  private assertInside(file: string, dir: string): void {
    if (path.basename(file) === MANIFEST_NAME) throw new TargetError(this.name, `refusing to write ${file}: that name is the file target directory's manifest`, false);
    const rel = path.relative(dir, file);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
      throw new TargetError(this.name, `refusing to write ${file}: it is outside the file target directory ${dir}`, false);
    }
  }

  /** A file that exists must be one this tool wrote for this target, and a regular file. */
  private async assertReplaceable(realDir: string): Promise<void> {
    let stat;
    try {
      stat = await lstat(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const owner = await ownerOf(realDir, path.join(realDir, path.relative(this.dir, this.path)));
    if (!stat.isFile() || owner === undefined) {
      throw new TargetError(
        this.name,
        `refusing to replace ${this.path}: bulk-users did not write it (it is not listed in ${manifestPath(realDir)}); move or delete it, or give the target another path`,
        false,
      );
    }
    if (owner !== this.name) {
      throw new TargetError(this.name, `refusing to replace ${this.path}: it belongs to target "${owner}"; give each file target its own path`, false);
    }
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
