import type { Db } from '../db/openDatabase.ts';
import type { DesiredState } from '../spec/DesiredState.ts';
import { readSpecSources, type SpecSource } from '../spec/loadSpecs.ts';
import { SpecValidationError, type SpecProblem } from '../spec/SpecProblem.ts';
import { loadDesiredState } from './loadDesiredState.ts';

export interface KeptDesiredState {
  state: DesiredState;
  /** Set when the spec files do not validate now: `state` is built from the last valid ones. */
  specProblems?: SpecProblem[];
}

/**
 * The controller's desired state: the spec files as they are, or, when they stop
 * validating, the last files that did, so a half-saved edit or a broken merge never
 * makes the reconciler treat populations as removed and delete them. API populations
 * are read fresh every time either way (their specs live in the database, and a batch
 * cleaned up through the API must not come back from a stale copy).
 */
export class DesiredStateKeeper {
  private lastGood: { files: SpecSource[]; at: Date } | undefined;
  private problems: SpecProblem[] | undefined;

  constructor(private readonly opts: { db: Db; specsDir: string; env: NodeJS.ProcessEnv; secretKey: Buffer }) {}

  /** The current problems of the spec files (undefined while they validate). */
  get specProblems(): SpecProblem[] | undefined {
    return this.problems;
  }

  /** When the spec files in force were read (undefined before any validated). */
  get validSince(): Date | undefined {
    return this.lastGood?.at;
  }

  /** Throws SpecValidationError when the files do not validate and none ever did here. */
  async load(): Promise<KeptDesiredState> {
    const base = { db: this.opts.db, specsDir: this.opts.specsDir, env: this.opts.env, secretKey: this.opts.secretKey };
    try {
      const files = readSpecSources(this.opts.specsDir);
      const loaded = await loadDesiredState({ ...base, files });
      this.lastGood = { files, at: new Date() };
      this.problems = undefined;
      return { state: loaded.state };
    } catch (err) {
      if (!(err instanceof SpecValidationError)) throw err;
      this.problems = err.problems.filter((p) => p.severity === 'error');
      if (!this.lastGood) throw err;
      try {
        const loaded = await loadDesiredState({ ...base, files: this.lastGood.files });
        return { state: loaded.state, specProblems: this.problems };
      } catch {
        throw err;
      }
    }
  }
}
