import { existsSync } from 'node:fs';

/**
 * A file of this package, by its path from the package root. The code runs from `src/`
 * (through tsx) or compiled from `dist/src/`, so the root is found, not counted in `../`.
 */
export function packageFile(relative: string): URL {
  let dir = new URL('./', import.meta.url);
  for (;;) {
    if (existsSync(new URL('package.json', dir))) return new URL(relative, dir);
    const parent = new URL('../', dir);
    if (parent.href === dir.href) throw new Error(`bulk-users: no package.json above ${import.meta.url}`);
    dir = parent;
  }
}
