import { statSync } from 'node:fs';
import path from 'node:path';
import type { DesiredState } from '../../spec/DesiredState.ts';

/**
 * The only directory file targets write into: ReconcilerConfig `fileTargetDir` (default
 * `out`), relative to the directory that holds the specs directory, so `specs/` and `out/`
 * sit side by side wherever the command runs. For `--specs FILE` the spec file's
 * directory counts as the specs directory. Without a known specs directory: the working
 * directory's `out`.
 */
export function fileTargetDirectory(state: Pick<DesiredState, 'config' | 'specsDir'>): string {
  const configured = state.config?.fileTargetDir ?? 'out';
  if (state.specsDir === undefined) return path.resolve(configured);
  let specsDir = path.resolve(state.specsDir);
  try {
    if (statSync(specsDir).isFile()) specsDir = path.dirname(specsDir);
  } catch {
    // A directory that is gone by now: resolve beside where it was.
  }
  return path.resolve(path.dirname(specsDir), configured);
}
