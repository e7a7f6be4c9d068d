import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The manifest of the file target directory: which files bulk-users wrote there. A file
 * that exists but is not listed is someone else's and is never replaced. A manifest
 * rather than a marker inside each file, because some formats (Artillery's header-less
 * CSV) have no room for one.
 */
export const MANIFEST_NAME = '.bulk-users-manifest.json';

interface Manifest {
  version: 1;
  /** Path relative to the directory (forward slashes) -> the target that owns it. */
  files: Record<string, { target: string }>;
}

/** Read-modify-write of one directory's manifest, one at a time within this process (targets sync in parallel). */
const queues = new Map<string, Promise<unknown>>();

export function manifestPath(dir: string): string {
  return path.join(dir, MANIFEST_NAME);
}

function key(dir: string, file: string): string {
  return path.relative(dir, file).split(path.sep).join('/');
}

async function readManifest(dir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(manifestPath(dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, files: Object.create(null) as Manifest['files'] };
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Manifest;
    if (parsed.version !== 1 || typeof parsed.files !== 'object' || parsed.files === null) throw new Error('unknown format');
    return { version: 1, files: Object.assign(Object.create(null) as Manifest['files'], parsed.files) };
  } catch (err) {
    throw new Error(`${manifestPath(dir)} is not a bulk-users manifest (${(err as Error).message}); restore it or delete it together with the files it listed`);
  }
}

/** Which target wrote `file`, or undefined when bulk-users did not (as far as the manifest knows). */
export async function ownerOf(dir: string, file: string): Promise<string | undefined> {
  return (await readManifest(dir)).files[key(dir, file)]?.target;
}

/** Records that `target` writes `file`, before the file is put in place: a crash in between leaves a claim, never an orphan this tool would refuse. */
export function recordOwner(dir: string, file: string, target: string): Promise<void> {
  const run = async (): Promise<void> => {
    const manifest = await readManifest(dir);
    const k = key(dir, file);
    if (manifest.files[k]?.target === target) return;
    manifest.files[k] = { target };
    const tmp = `${manifestPath(dir)}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    try {
      await rename(tmp, manifestPath(dir));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  };
  const next = (queues.get(dir) ?? Promise.resolve()).then(run, run);
  queues.set(dir, next.catch(() => {}));
  return next;
}
