import { expect } from 'vitest';
import type { DesiredState } from '../../src/spec/DesiredState.ts';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { specDocument } from '../../bench/benchSpecs.ts';

/** A population of the sync tests; its password comes from SYNC_PW. */
export interface SyncPop {
  name: string;
  count: number;
  idStart?: number;
  /** Default `<name>_{id}`. */
  pattern?: string;
  attributes?: Record<string, unknown>;
  targets?: string[];
  deletionPolicy?: 'Delete' | 'Retain';
}

/** The desired state of these populations (batches of 5,000) and sync targets; fails the test on a spec error. */
export function syncSpecs(pops: readonly SyncPop[], targets: readonly { name: string; spec: Record<string, unknown> }[]): DesiredState {
  const docs = [
    ...pops.map((p) =>
      specDocument('TestUserPopulation', p.name, {
        count: p.count,
        ...(p.idStart !== undefined ? { idStart: p.idStart } : {}),
        usernamePattern: p.pattern ?? `${p.name}_{id}`,
        password: { fromEnv: 'SYNC_PW' },
        attributes: p.attributes ?? {},
        syncTargets: p.targets ?? [],
        batchSize: 5000,
        ...(p.deletionPolicy ? { deletionPolicy: p.deletionPolicy } : {}),
      }),
    ),
    ...targets.map((t) => specDocument('SyncTarget', t.name, t.spec)),
  ];
  const built = buildDesiredState([{ file: 'test.yaml', text: docs.join('\n---\n') }]);
  expect(built.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return built.state;
}
