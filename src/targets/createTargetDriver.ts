import type { SyncTargetSpec } from '../spec/DesiredState.ts';
import { FileTarget } from './file/FileTarget.ts';
import { LoadTesterTarget } from './loadtester/LoadTesterTarget.ts';
import type { SyncTargetDriver } from './SyncTargetDriver.ts';

/** One driver per target kind; the reconciler sees only the two interfaces. */
export function createTargetDriver(spec: SyncTargetSpec, opts: { baseDir: string; onRetry?: (err: Error, attempt: number) => void; env?: NodeJS.ProcessEnv }): SyncTargetDriver {
  switch (spec.type) {
    case 'loadtester':
      return new LoadTesterTarget(spec, opts.onRetry, opts.env);
    case 'file':
      return new FileTarget(spec, opts.baseDir);
  }
}
