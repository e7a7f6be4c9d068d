import path from 'node:path';
import type { SyncTarget } from './schemaTypes.generated.ts';
import type { SourceDocument } from './SourceDocument.ts';
import type { SpecProblem } from './SpecProblem.ts';
import { MAX_BATCH } from '../loadtester/routeSchemas.ts';

/**
 * The rules of one SyncTarget that the schema cannot say: a file target's path stays inside
 * the file target directory (so a spec cannot write /etc/cron.d/x or ../../elsewhere), and
 * the Load Tester's settings belong to Load Tester targets, and a chunk fits in one of its requests.
 */
export function targetSpecProblems(s: SyncTarget['spec'], src: SourceDocument): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (s.type === 'file' && s.path !== undefined) {
    const p = s.path;
    if (path.posix.isAbsolute(p) || path.win32.isAbsolute(p)) {
      problems.push(src.problem(['spec', 'path'], `path "${p}" is absolute`, 'file targets write only inside the file target directory (ReconcilerConfig fileTargetDir, default out/ beside the specs); write it relative to that, e.g. path: users.csv'));
    } else if (p.split(/[\\/]/).includes('..')) {
      problems.push(src.problem(['spec', 'path'], `path "${p}" leaves the file target directory ('..')`, 'file targets write only inside the file target directory (ReconcilerConfig fileTargetDir); remove the ".." part'));
    } else if (/[\\/]$/.test(p) || p.split(/[\\/]/).every((part) => part === '' || part === '.')) {
      problems.push(src.problem(['spec', 'path'], `path "${p}" names a directory, not a file`, 'e.g. path: users.csv'));
    }
  }
  if (s.type === 'file') {
    for (const key of ['urlFromEnv', 'auth', 'optional'] as const) {
      if (s[key] !== undefined) problems.push(src.problem(['spec', key], `${key} applies to loadtester targets only`, 'remove it from this file target'));
    }
  }
  if (s.type === 'loadtester' && s.chunkSize !== undefined && s.chunkSize > MAX_BATCH) {
    problems.push(src.problem(['spec', 'chunkSize'], `chunkSize ${s.chunkSize} is more records than the Load Tester takes in one request (${MAX_BATCH.toLocaleString('en-US')})`, `chunkSize: ${MAX_BATCH}`));
  }
  return problems;
}
