import { classifyUsers, patternRegex, summarizedCleanupClasses } from '../db/classifyUsers.ts';
import { ensureUserSummary } from '../db/userSummary.ts';
import type { ClassCount } from '../plan/ClassCount.ts';
import type { Db } from '../db/openDatabase.ts';
import { userStoreFor } from '../db/userStore/userStoreFor.ts';
import { cleanupCandidates, type CleanupCandidate } from '../plan/planCleanup.ts';
import type { DesiredState } from '../spec/DesiredState.ts';
import { parseUsernamePattern } from '../spec/usernamePattern.ts';

export interface IdentifyReport {
  classes: ClassCount[];
  candidates: CleanupCandidate[];
  totals: Record<ClassCount['class'], number>;
}

/** Patterns of every population the specs declare or the database remembers. */
async function knownPatterns(db: Db, state: DesiredState): Promise<string[]> {
  const stored = await db.selectFrom('bulk_populations').select('username_pattern').execute();
  const all = new Set([...state.populations.map((p) => p.usernamePattern), ...stored.map((r) => r.username_pattern)]);
  return [...all].flatMap((p) => {
    const parsed = parseUsernamePattern(p);
    return parsed.ok ? [patternRegex(parsed.pattern)] : [];
  });
}

/** Classifies every row of the user store (read-only): what identify and cleanup-candidates show. */
export async function identify(db: Db, state: DesiredState, now: Date = new Date()): Promise<IdentifyReport> {
  const store = userStoreFor(state.config);
  await store.check(db, state.populations);
  const classes = await classifyUsers(db, store, await knownPatterns(db, state), now);
  const totals = { managed: 0, expired: 0, orphaned: 0, 'unmanaged-test': 0, lookalike: 0, production: 0 };
  for (const c of classes) totals[c.class] += c.count;
  return { classes, candidates: cleanupCandidates(classes), totals };
}

/**
 * What cleanup could remove, from the users summary where one is kept (O(populations));
 * else by the full classification.
 */
export async function identifyCleanupCandidates(db: Db, state: DesiredState, now: Date = new Date()): Promise<CleanupCandidate[]> {
  const store = userStoreFor(state.config);
  await store.check(db, state.populations);
  if (store.summarized && (await ensureUserSummary(db))) return cleanupCandidates(await summarizedCleanupClasses(db, now));
  return (await identify(db, state, now)).candidates;
}
