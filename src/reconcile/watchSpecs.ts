import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from '../log/logger.ts';

export interface SpecWatcher {
  /** Resolves once the initial scan is done: changes after this are reported. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const SPEC_FILE = /\.ya?ml$/i;

/**
 * Calls `onChange` once a burst of changes to spec files under `dir` (or to the one file
 * `dir` names) has been quiet for `debounceMs`: an editor's save (write, rename, chmod)
 * or a `git pull` touching many files becomes one reconcile, not one per event. Only
 * `.yaml`/`.yml` files count, as for readSpecSources; hidden directories are skipped.
 */
export function watchSpecs(dir: string, opts: { debounceMs: number; logger: Logger; onChange: (files: string[]) => void }): SpecWatcher {
  let timer: NodeJS.Timeout | undefined;
  const changed = new Set<string>();
  const watcher: FSWatcher = watch(dir, {
    ignoreInitial: true,
    // Directories must pass so their files are seen; files must be specs.
    ignored: (p, stats) => (stats?.isFile() === true && !SPEC_FILE.test(p)) || (p !== dir && path.basename(p).startsWith('.')),
    atomic: true,
  });
  const fire = (): void => {
    const files = [...changed].sort();
    changed.clear();
    opts.onChange(files);
  };
  const onEvent = (event: string, file: string): void => {
    if (!SPEC_FILE.test(file) && event !== 'unlinkDir') return;
    opts.logger.debug({ event, file }, 'spec change seen');
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(fire, opts.debounceMs);
  };
  watcher.on('all', (event, file) => onEvent(event, file));
  watcher.on('error', (err) => opts.logger.error({ err: err instanceof Error ? err.message : String(err), dir }, 'spec watcher error'));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
