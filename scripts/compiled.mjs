// Whether dist/ (scripts/build.mjs) is complete and at least as new as every file under src/: used by
// bin/bulk-users.js to choose compiled code or the sources, and by the build to skip work.
// It runs on every CLI start, so it walks with plain string paths (URL objects per file
// doubled its cost, about 5 ms of a 100 ms start). Every file is stat'ed: a directory's
// mtime does not change when a file in it is edited in place, so no shortcut is safe.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packageRoot = new URL('../', import.meta.url);
export const buildStamp = new URL('dist/.built', packageRoot);

function newestFile(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    const mtime = e.isDirectory() ? newestFile(p) : statSync(p).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/** `root`: a URL of the package directory, ending in a slash. */
export function compiledIsFresh(root = packageRoot) {
  const dir = fileURLToPath(root);
  try {
    const newestSource = Math.max(newestFile(`${dir}src`), statSync(`${dir}bench/reconcileChild.ts`).mtimeMs);
    // A dist/ from before the CLI was bundled has no dist/cli/: stat throws, and it is stale.
    statSync(`${dir}dist/cli/main.js`);
    return statSync(`${dir}dist/.built`).mtimeMs >= newestSource;
  } catch {
    return false;
  }
}
