// Whether dist/ (scripts/build.mjs) is at least as new as every file under src/: used by
// bin/bulk-users.js to choose compiled code or the sources, and by the build to skip work.
import { readdirSync, statSync } from 'node:fs';

const packageRoot = new URL('../', import.meta.url);
export const buildStamp = new URL('dist/.built', packageRoot);

function newestFile(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = new URL(e.isDirectory() ? `${e.name}/` : e.name, dir);
    newest = Math.max(newest, e.isDirectory() ? newestFile(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** `root`: a URL of the package directory, ending in a slash. */
export function compiledIsFresh(root = packageRoot) {
  try {
    const newestSource = Math.max(newestFile(new URL('src/', root)), statSync(new URL('bench/reconcileChild.ts', root)).mtimeMs);
    return statSync(new URL('dist/.built', root)).mtimeMs >= newestSource;
  } catch {
    return false;
  }
}
