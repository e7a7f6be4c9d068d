import { readFile } from 'node:fs/promises';
import { packageFile } from '../packageFile.ts';

/** The version in package.json, reported by health endpoints; "unknown" when it cannot be read. */
export async function packageVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(packageFile('package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
