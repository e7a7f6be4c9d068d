import { describe, expect, it } from 'vitest';
import { LockTimeoutError } from '../../src/db/advisoryLock.ts';
import { DatabaseUnavailableError } from '../../src/db/openDatabase.ts';
import { backoffDelay } from '../../src/reconcile/backoffDelay.ts';
import { classifyFailure, TargetSyncFailedError } from '../../src/reconcile/classifyFailure.ts';
import { derivePopulationStatus, statusChanged, type PopulationFacts } from '../../src/reconcile/derivePopulationStatus.ts';
import { MassDeleteRefusedError, PasswordUnavailableError } from '../../src/reconcile/errors.ts';
import { SpecValidationError } from '../../src/spec/SpecProblem.ts';

const T = (m: number) => new Date(Date.UTC(2030, 0, 1, 0, m));
const base: PopulationFacts = { name: 'p', phase: 'Active', desiredCount: 10, declaredCount: 10, actualCount: 10, conflicts: 0, generation: 2, observedGeneration: 2, targets: [] };
const conds = (s: ReturnType<typeof derivePopulationStatus>) => Object.fromEntries(s.conditions.map((c) => [c.type, `${c.status}/${c.reason}`]));

describe('derivePopulationStatus', () => {
  it('a converged population is Ready, Synced, not Expired, not Degraded', () => {
    expect(conds(derivePopulationStatus(base, undefined, T(0)))).toEqual({ Ready: 'True/Reconciled', Synced: 'True/NoSyncTargets', Expired: 'False/NoLease', Degraded: 'False/AsExpected' });
  });

  it('lastTransitionTime moves only when a status flips; reasons and messages may change meanwhile', () => {
    const s0 = derivePopulationStatus(base, undefined, T(0));
    const s1 = derivePopulationStatus({ ...base, actualCount: 4, desiredCount: 10 }, s0, T(1));
    const s2 = derivePopulationStatus({ ...base, actualCount: 7, desiredCount: 10 }, s1, T(2));
    const s3 = derivePopulationStatus(base, s2, T(3));
    const ready = (s: typeof s0) => s.conditions.find((c) => c.type === 'Ready')!;
    expect(ready(s1)).toMatchObject({ status: 'False', reason: 'Progressing', lastTransitionTime: T(1).toISOString() });
    expect(ready(s2)).toMatchObject({ status: 'False', lastTransitionTime: T(1).toISOString() });
    expect(ready(s2).message).toContain('7 of 10');
    expect(ready(s3)).toMatchObject({ status: 'True', lastTransitionTime: T(3).toISOString() });
    expect(s3.conditions.find((c) => c.type === 'Synced')!.lastTransitionTime).toBe(T(0).toISOString());
  });

  it('an unapplied spec change (observedGeneration behind) is not Ready', () => {
    expect(conds(derivePopulationStatus({ ...base, generation: 3 }, undefined, T(0))).Ready).toBe('False/Progressing');
  });

  it('conflicts: Ready with what can exist, Degraded for the usernames held by others, not an error to remember', () => {
    const s = derivePopulationStatus({ ...base, actualCount: 8, conflicts: 2 }, undefined, T(0));
    expect(conds(s)).toMatchObject({ Ready: 'True/Reconciled', Degraded: 'True/UsernameConflicts' });
    expect(s.lastError).toBeNull();
  });

  it('a failed target: Synced False, Degraded, last error kept after recovery with its first time', () => {
    const failing = { ...base, targets: [{ target: 'lt', state: 'Unreachable' as const, expected: 10, held: 6, error: 'ECONNREFUSED' }] };
    const s1 = derivePopulationStatus(failing, undefined, T(1));
    const s2 = derivePopulationStatus(failing, s1, T(2));
    expect(conds(s1)).toMatchObject({ Ready: 'True/Reconciled', Synced: 'False/TargetUnreachable', Degraded: 'True/TargetUnreachable' });
    expect(s2.lastError).toEqual(s1.lastError);
    expect(statusChanged(s1, s2)).toBe(false);
    const s3 = derivePopulationStatus({ ...base, targets: [{ target: 'lt', state: 'InSync', expected: 10, held: 10 }] }, s2, T(3));
    expect(conds(s3)).toMatchObject({ Synced: 'True/InSync', Degraded: 'False/AsExpected' });
    expect(s3.lastError).toMatchObject({ reason: 'TargetUnreachable', at: T(1).toISOString() });
  });

  it('expiry, refusals and invalid specs', () => {
    const lease = { expiresAt: T(30).toISOString(), expired: true };
    expect(conds(derivePopulationStatus({ ...base, desiredCount: 0, actualCount: 0, lease }, undefined, T(31)))).toMatchObject({ Ready: 'False/LeaseExpired', Expired: 'True/LeaseExpired' });
    expect(conds(derivePopulationStatus({ ...base, lease: { ...lease, expired: false } }, undefined, T(1))).Expired).toBe('False/LeaseActive');
    const refused = derivePopulationStatus({ ...base, runError: { reason: 'MassDeleteRefused', message: 'refusing' } }, undefined, T(0));
    expect(conds(refused)).toMatchObject({ Ready: 'False/MassDeleteRefused', Degraded: 'True/MassDeleteRefused' });
    expect(conds(derivePopulationStatus({ ...base, specInvalid: 'x.yaml:1:1: bad' }, undefined, T(0)))).toMatchObject({ Ready: 'True/Reconciled', Degraded: 'True/SpecInvalid' });
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt with jitter in the upper half, up to the cap', () => {
    const opts = { baseMs: 1000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a, opts, () => 1))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect([1, 2, 3].map((a) => backoffDelay(a, opts, () => 0))).toEqual([500, 1000, 2000]);
  });
});

describe('classifyFailure', () => {
  it('requeues what time can fix, not what an operator must', () => {
    expect(classifyFailure(new LockTimeoutError(1000))).toEqual({ retryable: true, reason: 'LockTimeout' });
    expect(classifyFailure(new DatabaseUnavailableError('postgres://x', new Error('ECONNREFUSED')))).toEqual({ retryable: true, reason: 'DatabaseUnavailable' });
    expect(classifyFailure(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toMatchObject({ retryable: true, reason: 'DatabaseUnavailable' });
    expect(classifyFailure(new TargetSyncFailedError([{ target: 'lt', error: 'down' }]))).toEqual({ retryable: true, reason: 'TargetFailed' });
    expect(classifyFailure(new Error('something new'))).toEqual({ retryable: true, reason: 'Unexpected' });
    expect(classifyFailure(new SpecValidationError([]))).toEqual({ retryable: false, reason: 'SpecInvalid' });
    expect(classifyFailure(new MassDeleteRefusedError('no'))).toEqual({ retryable: false, reason: 'MassDeleteRefused' });
    expect(classifyFailure(new PasswordUnavailableError([{ name: 'p', variable: 'V' }]))).toEqual({ retryable: false, reason: 'PasswordUnavailable' });
  });
});
