import { describe, expect, it } from 'vitest';
import { candidateRanges } from '../../src/db/observe.ts';
import type { Conflict, CreateGaps, DesiredPopulation, Observed, ObservedPopulation, PopulationPlan } from '../../src/plan/Plan.ts';
import { DEFAULT_PLAN_OPTIONS, massDeleteGuard, planReconcile, releasedPopulations, type PlanOptions } from '../../src/plan/planReconcile.ts';
import type { PopulationSpec } from '../../src/spec/DesiredState.ts';

// ---------------------------------------------------------------------------
// Factories: the planner is pure, so every input is built by hand.
// ---------------------------------------------------------------------------

/** A validated population spec (defaults filled) named `name`, pattern `${name}_{id}`. */
function spec(name: string, over: Partial<PopulationSpec> = {}): PopulationSpec {
  const usernamePattern = over.usernamePattern ?? `${name}_{id}`;
  const [prefix = '', suffix = ''] = usernamePattern.split('{id}');
  return {
    name,
    labels: {},
    count: 10,
    usernamePattern,
    pattern: { prefix, suffix },
    idStart: 1,
    emailDomain: 'example.com',
    password: { fromEnv: 'BU_TEST_PASSWORD' },
    attributes: {},
    batchSize: 1000,
    syncTargets: [],
    deletionPolicy: 'Delete',
    origin: { file: 'specs/test.yaml', line: 1 },
    ...over,
  };
}

function desired(name: string, over: Partial<PopulationSpec> = {}, extra: Partial<Omit<DesiredPopulation, 'spec'>> = {}): DesiredPopulation {
  return { spec: spec(name, over), source: 'file', contentHash: `content-${name}`, specHash: `spec-${name}`, password: 'unchanged', ...extra };
}

/**
 * What the database holds for a population the reconciler registered earlier, matching
 * `desired(name)` exactly (same pattern, spec hash, Active, every member present and fresh).
 */
function known(name: string, over: Partial<ObservedPopulation> = {}): ObservedPopulation {
  return {
    name,
    known: true,
    source: 'file',
    phase: 'Active',
    usernamePattern: `${name}_{id}`,
    deletionPolicy: 'Delete',
    specHash: `spec-${name}`,
    total: 10,
    inRange: 10,
    stale: 0,
    ...over,
  };
}

/** Rows labelled with a population that has no record in bulk_populations. */
function unknown(name: string, total: number, inRange = 0): ObservedPopulation {
  return { name, known: false, total, inRange, stale: 0 };
}

function gaps(ranges: [number, number][], conflicts: Conflict[] = [], conflictCount = conflicts.length): CreateGaps {
  return { ranges, count: ranges.reduce((n, [a, b]) => n + b - a + 1, 0), conflicts, conflictCount };
}

function observed(pops: ObservedPopulation[], gapsByName: Record<string, CreateGaps> = {}, productionUsers = 0): Observed {
  return { populations: new Map(pops.map((p) => [p.name, p])), gaps: new Map(Object.entries(gapsByName)), productionUsers };
}

function only(plan: { populations: PopulationPlan[] }, name: string): PopulationPlan {
  const found = plan.populations.filter((p) => p.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const options = (over: Partial<PlanOptions> = {}): PlanOptions => ({ ...DEFAULT_PLAN_OPTIONS, ...over });

// ---------------------------------------------------------------------------
// planReconcile
// ---------------------------------------------------------------------------

describe('planReconcile – desired populations', () => {
  it('a new population is created over exactly the gaps observation found', () => {
    const plan = planReconcile([desired('fresh', { count: 10 })], observed([], { fresh: gaps([[1, 4], [7, 10]]) }));
    const p = only(plan, 'fresh');
    expect(p.action).toBe('create');
    expect(p.create).toEqual({ count: 8, ranges: [[1, 4], [7, 10]] });
    expect(p.update).toEqual({ count: 0 });
    expect(p.delete).toEqual({ count: 0 });
    expect(p.recordChanges).toBe(true);
    expect(plan.summary).toEqual({ create: 8, update: 0, delete: 0, syncUpsert: 0, syncDelete: 0, conflicts: 0 });
    expect(plan.hasChanges).toBe(true);
    expect(plan.guard).toEqual({ refused: false });
  });

  it('a population that matches the database is a no-op and the plan has no changes', () => {
    const plan = planReconcile([desired('steady')], observed([known('steady')], {}, 42));
    const p = only(plan, 'steady');
    expect(p.action).toBe('noop');
    expect(p.reasons).toEqual([]);
    expect(p.recordChanges).toBe(false);
    expect(p.create).toEqual({ count: 0, ranges: [] });
    expect(plan.summary).toEqual({ create: 0, update: 0, delete: 0, syncUpsert: 0, syncDelete: 0, conflicts: 0 });
    expect(plan.hasChanges).toBe(false);
    expect(plan.productionUsers).toBe(42);
    expect(plan.managedUsers).toBe(10);
  });

  it.each([
    ['phase is not Active', { phase: 'Creating' }],
    ['the spec hash differs', { specHash: 'older' }],
    ['the source differs', { source: 'api' as const }],
  ])('is not a no-op when %s', (_why, over) => {
    const p = only(planReconcile([desired('steady')], observed([known('steady', over)])), 'steady');
    expect(p.action).toBe('update');
    expect(p.recordChanges).toBe(true);
  });

  it('stale rows are updated, and only they are', () => {
    const plan = planReconcile([desired('p')], observed([known('p', { stale: 7 })]));
    const p = only(plan, 'p');
    expect(p.action).toBe('update');
    expect(p.update).toEqual({ count: 7 });
    expect(p.create.count).toBe(0);
    expect(p.delete).toEqual({ count: 0 });
    expect(p.reasons).toEqual(['content changed (email, attributes or password)']);
    expect(plan.summary.update).toBe(7);
    expect(plan.hasChanges).toBe(true);
  });

  it('a rotated password names the password in the reason', () => {
    const p = only(planReconcile([desired('p', {}, { password: 'changed' })], observed([known('p', { stale: 10 })])), 'p');
    expect(p.update).toEqual({ count: 10 });
    expect(p.reasons).toEqual(['password or content changed']);
  });

  it('rows outside the desired range are deleted as a scale-down', () => {
    const plan = planReconcile([desired('p', { count: 6 })], observed([known('p', { total: 10, inRange: 6 })]));
    const p = only(plan, 'p');
    expect(p.action).toBe('update');
    expect(p.delete).toEqual({ count: 4, reason: 'scale-down' });
    expect(p.reasons).toEqual(['scale down: 4 user(s) outside ids 1..6']);
    expect(plan.summary.delete).toBe(4);
    expect(plan.guard).toEqual({ refused: false });
  });

  it('a scale-up creates only the missing tail', () => {
    const plan = planReconcile([desired('p', { count: 15 })], observed([known('p', { total: 10, inRange: 10 })], { p: gaps([[11, 15]]) }));
    const p = only(plan, 'p');
    expect(p.action).toBe('update');
    expect(p.create).toEqual({ count: 5, ranges: [[11, 15]] });
    expect(p.delete).toEqual({ count: 0 });
  });

  it('a changed usernamePattern with existing rows replaces the population', () => {
    const plan = planReconcile(
      [desired('p', { usernamePattern: 'new_{id}' }, { specHash: 'spec-p-v2' })],
      observed([known('p', { usernamePattern: 'p_{id}', total: 10, inRange: 0 })], { p: gaps([[1, 10]]) }),
      options({ allowMassDelete: true }),
    );
    const p = only(plan, 'p');
    expect(p.action).toBe('replace');
    expect(p.delete).toEqual({ count: 10, reason: 'replace' });
    expect(p.create).toEqual({ count: 10, ranges: [[1, 10]] });
    expect(p.reasons).toEqual(['usernamePattern "p_{id}" -> "new_{id}": replace']);
    expect(plan.summary).toMatchObject({ create: 10, delete: 10 });
  });

  it('a changed usernamePattern without rows is an update of the record, not a replace', () => {
    const p = only(
      planReconcile([desired('p', { usernamePattern: 'new_{id}' }, { specHash: 'v2' })], observed([known('p', { total: 0, inRange: 0 })], { p: gaps([[1, 10]]) })),
      'p',
    );
    expect(p.action).toBe('update');
    expect(p.delete).toEqual({ count: 0 });
  });

  it('a spec change that affects no user still changes the record', () => {
    const plan = planReconcile([desired('p', {}, { specHash: 'spec-p-v2' })], observed([known('p')]));
    const p = only(plan, 'p');
    expect(p.action).toBe('update');
    expect(p.recordChanges).toBe(true);
    expect(p.reasons).toEqual(['spec changed; no user affected']);
    expect(plan.summary).toEqual({ create: 0, update: 0, delete: 0, syncUpsert: 0, syncDelete: 0, conflicts: 0 });
    expect(plan.hasChanges).toBe(true);
  });

  it('rows of an unregistered population that a spec now declares are adopted', () => {
    const plan = planReconcile([desired('p')], observed([unknown('p', 10, 10)]));
    const p = only(plan, 'p');
    expect(p.action).toBe('update');
    expect(p.reasons).toEqual(['adopt existing rows']);
    expect(p.delete).toEqual({ count: 0 });
    expect(plan.hasChanges).toBe(true);
  });

  it('an unresolved password variable is named in the reasons', () => {
    const plan = planReconcile(
      [desired('p', { password: { fromEnv: 'LOADTEST_PASSWORD' } }, { password: 'unresolved' })],
      observed([], { p: gaps([[1, 10]]) }),
    );
    const p = only(plan, 'p');
    expect(p.reasons).toEqual(['password variable LOADTEST_PASSWORD is not set: apply will fail']);
    expect(p.action).toBe('create');
  });

  it('plans desired populations in the given order, then removed ones by name', () => {
    const plan = planReconcile(
      [desired('zeta'), desired('alpha')],
      observed([known('zeta'), known('alpha'), known('old-b'), known('old-a')]),
      options({ allowMassDelete: true }),
    );
    expect(plan.populations.map((p) => p.name)).toEqual(['zeta', 'alpha', 'old-a', 'old-b']);
  });
});

describe('planReconcile – conflicts', () => {
  const conflict = (seq: number): Conflict => ({ population: 'p', seq, username: `p_${seq}`, heldBy: 'production' });

  it('are summed into summary.conflicts with the sample kept', () => {
    const plan = planReconcile(
      [desired('p'), desired('q')],
      observed([], { p: gaps([[1, 8]], [conflict(9), conflict(10)]), q: gaps([[1, 9]], [], 1) }),
    );
    expect(only(plan, 'p').conflicts).toEqual({ count: 2, sample: [conflict(9), conflict(10)] });
    expect(only(plan, 'p').reasons).toEqual(['2 username(s) already taken']);
    expect(only(plan, 'q').conflicts.count).toBe(1);
    expect(plan.summary.conflicts).toBe(3);
    expect(plan.summary.create).toBe(17);
  });

  it('do not make hasChanges true on their own', () => {
    // Registered and complete apart from two members whose usernames production holds.
    const plan = planReconcile([desired('p')], observed([known('p', { total: 8, inRange: 8 })], { p: gaps([], [conflict(9), conflict(10)]) }));
    const p = only(plan, 'p');
    expect(p.action).toBe('noop');
    expect(p.conflicts.count).toBe(2);
    expect(plan.summary).toEqual({ create: 0, update: 0, delete: 0, syncUpsert: 0, syncDelete: 0, conflicts: 2 });
    expect(plan.hasChanges).toBe(false);
  });
});

describe('planReconcile – populations whose spec was removed', () => {
  it('deletionPolicy Delete deletes every row, reason spec-removed', () => {
    const plan = planReconcile([desired('keep')], observed([known('keep', { total: 100, inRange: 100 }), known('gone', { total: 30, inRange: 30 })]));
    const p = only(plan, 'gone');
    expect(p.action).toBe('delete');
    expect(p.delete).toEqual({ count: 30, reason: 'spec-removed' });
    expect(p.reasons).toEqual(['spec removed']);
    expect(p.recordChanges).toBe(true);
    expect(p.create).toEqual({ count: 0, ranges: [] });
    expect(p.desired).toBeUndefined();
    expect(plan.summary.delete).toBe(30);
    expect(plan.managedUsers).toBe(130);
    expect(plan.guard).toEqual({ refused: false });
  });

  it('deletionPolicy Retain keeps the rows and only marks the record', () => {
    const plan = planReconcile([], observed([known('kept', { deletionPolicy: 'Retain', total: 20, inRange: 20 })]));
    const p = only(plan, 'kept');
    expect(p.action).toBe('retain');
    expect(p.delete).toEqual({ count: 0 });
    expect(p.recordChanges).toBe(true);
    expect(p.reasons).toEqual(['spec removed; deletionPolicy Retain keeps its users']);
    expect(plan.summary.delete).toBe(0);
    expect(plan.hasChanges).toBe(true);
    expect(plan.guard).toEqual({ refused: false });
  });

  it('a retained population already Orphaned gets no plan at all', () => {
    const plan = planReconcile([], observed([known('kept', { deletionPolicy: 'Retain', phase: 'Orphaned', total: 20, inRange: 20 })]));
    expect(plan.populations).toEqual([]);
    expect(plan.hasChanges).toBe(false);
    expect(plan.managedUsers).toBe(20);
  });

  it('never deletes rows of an unregistered population', () => {
    const plan = planReconcile([desired('p')], observed([known('p'), unknown('stray', 50)]));
    expect(plan.populations.map((p) => p.name)).toEqual(['p']);
    expect(plan.summary.delete).toBe(0);
    expect(plan.managedUsers).toBe(10);
    expect(plan.hasChanges).toBe(false);
  });

  it('never deletes an API-created population that no spec declares', () => {
    const plan = planReconcile([], observed([known('batch-7', { source: 'api', total: 500, inRange: 500 })]));
    expect(plan.populations).toEqual([]);
    expect(plan.summary.delete).toBe(0);
    expect(plan.guard).toEqual({ refused: false });
    expect(plan.hasChanges).toBe(false);
  });

  it('removing the only population is refused as a mass delete unless allowed', () => {
    const obs = observed([known('gone', { total: 30, inRange: 30 })]);
    const refused = planReconcile([], obs);
    expect(refused.guard.refused).toBe(true);
    expect(refused.guard.message).toBe('refusing to delete all 30 managed test user(s); pass --allow-mass-delete if that is intended');
    expect(planReconcile([], obs, options({ allowMassDelete: true })).guard).toEqual({ refused: false });
  });
});

// ---------------------------------------------------------------------------
// massDeleteGuard
// ---------------------------------------------------------------------------

describe('massDeleteGuard', () => {
  it('refuses deleting every managed user and names the flag', () => {
    const g = massDeleteGuard(10, 10, options({ maxDeletePercent: 100 }));
    expect(g.refused).toBe(true);
    expect(g.message).toBe('refusing to delete all 10 managed test user(s); pass --allow-mass-delete if that is intended');
  });

  it('refuses more than maxDeletePercent with the percentage', () => {
    const g = massDeleteGuard(51, 100, options({ maxDeletePercent: 50 }));
    expect(g.refused).toBe(true);
    expect(g.message).toBe('refusing to delete 51 of 100 managed test users (51.0% > maxDeletePercent 50%); pass --allow-mass-delete if that is intended');
  });

  it('rounds the percentage to one decimal', () => {
    expect(massDeleteGuard(2, 3, options({ maxDeletePercent: 50 })).message).toContain('(66.7% > maxDeletePercent 50%)');
  });

  it('allows exactly the limit', () => {
    expect(massDeleteGuard(50, 100, options({ maxDeletePercent: 50 }))).toEqual({ refused: false });
    expect(massDeleteGuard(1, 4, options({ maxDeletePercent: 25 }))).toEqual({ refused: false });
  });

  it('allows anything when mass deletion was asked for', () => {
    expect(massDeleteGuard(100, 100, options({ allowMassDelete: true }))).toEqual({ refused: false });
    expect(massDeleteGuard(99, 100, options({ allowMassDelete: true, maxDeletePercent: 0 }))).toEqual({ refused: false });
  });

  it('allows a plan that deletes nothing, even with nothing managed', () => {
    expect(massDeleteGuard(0, 0, options())).toEqual({ refused: false });
    expect(massDeleteGuard(0, 100, options({ maxDeletePercent: 0 }))).toEqual({ refused: false });
  });

  it('the default limit is 50% and mass deletion is off', () => {
    expect(DEFAULT_PLAN_OPTIONS).toEqual({ maxDeletePercent: 50, allowMassDelete: false });
  });

  it('is what planReconcile applies, against managed users of known populations only', () => {
    // 60 of 100 known rows go; the 1000 rows of an unregistered population do not dilute the share.
    const plan = planReconcile(
      [desired('p', { count: 40 })],
      observed([known('p', { total: 100, inRange: 40 }), unknown('stray', 1000)]),
    );
    expect(plan.managedUsers).toBe(100);
    expect(plan.summary.delete).toBe(60);
    expect(plan.guard).toEqual({
      refused: true,
      message: 'refusing to delete 60 of 100 managed test users (60.0% > maxDeletePercent 50%); pass --allow-mass-delete if that is intended',
    });
    expect(planReconcile([desired('p', { count: 40 })], observed([known('p', { total: 100, inRange: 40 })]), options({ maxDeletePercent: 60 })).guard).toEqual({
      refused: false,
    });
  });
});

// ---------------------------------------------------------------------------
// releasedPopulations
// ---------------------------------------------------------------------------

describe('releasedPopulations', () => {
  it('lists only known, file-sourced, non-Retain populations that no spec wants', () => {
    const obs = observed([
      known('wanted'),
      known('removed-b'),
      known('removed-a', { deletionPolicy: undefined }),
      known('retained', { deletionPolicy: 'Retain' }),
      known('from-api', { source: 'api' }),
      unknown('stray', 5),
    ]);
    expect(releasedPopulations([desired('wanted')], obs.populations)).toEqual(['removed-b', 'removed-a']);
  });

  it('is empty when every known population is wanted', () => {
    const obs = observed([known('a'), known('b'), unknown('c', 3)]);
    expect(releasedPopulations([desired('a'), desired('b')], obs.populations)).toEqual([]);
  });

  it('agrees with the populations planReconcile deletes as spec-removed', () => {
    const obs = observed([known('wanted'), known('gone'), known('retained', { deletionPolicy: 'Retain' }), known('from-api', { source: 'api' }), unknown('stray', 5)]);
    const plan = planReconcile([desired('wanted')], obs, options({ allowMassDelete: true }));
    const deleted = plan.populations.filter((p) => p.delete.reason === 'spec-removed').map((p) => p.name);
    expect(deleted).toEqual(releasedPopulations([desired('wanted')], obs.populations));
  });
});

// ---------------------------------------------------------------------------
// candidateRanges (hi is exclusive: the desired seqs are lo..hi-1)
// ---------------------------------------------------------------------------

describe('candidateRanges', () => {
  it('searches only the ends around a contiguous block of present members', () => {
    expect(candidateRanges(1, 101, 50, { min: 21, max: 70 })).toEqual([
      [1, 20],
      [71, 100],
    ]);
  });

  it('searches only the tail after a scale-up', () => {
    expect(candidateRanges(1, 151, 100, { min: 1, max: 100 })).toEqual([[101, 150]]);
  });

  it('searches only the head when members are missing at the start', () => {
    expect(candidateRanges(1, 11, 5, { min: 6, max: 10 })).toEqual([[1, 5]]);
  });

  it('searches nothing when the block covers the whole range', () => {
    expect(candidateRanges(5, 15, 10, { min: 5, max: 14 })).toEqual([]);
  });

  it('searches the whole range when present members have holes', () => {
    expect(candidateRanges(1, 101, 49, { min: 21, max: 70 })).toEqual([[1, 100]]);
  });

  it('searches the whole range when nothing is present', () => {
    expect(candidateRanges(1, 11, 0, undefined)).toEqual([[1, 10]]);
    expect(candidateRanges(1, 11, 0, { min: 3, max: 3 })).toEqual([[1, 10]]);
  });

  it('returns no range for an empty population', () => {
    expect(candidateRanges(1, 1, 0, undefined)).toEqual([]);
    expect(candidateRanges(7, 3, 0, undefined)).toEqual([]);
  });
});
