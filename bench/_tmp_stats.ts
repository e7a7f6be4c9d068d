import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/openDatabase.ts';
import { countSyncState, countUsers, lastRun, readTargetRecords, countMembers } from '../src/db/batchQueries.ts';
import { recordedUserStore } from '../src/db/userStore/userStoreFor.ts';
import { ensureUserSummary } from '../src/db/userSummary.ts';
import { loadDesiredState } from '../src/reconcile/loadDesiredState.ts';
import { readPopulationStatuses } from '../src/db/populationStatusQueries.ts';
const database = await openDatabase({ url: readFileSync('/tmp/agg12_prof.url', 'utf8').trim(), poolSize: 10 });
const db = database.db;
const store = await recordedUserStore(db);
const fns: Record<string, () => Promise<unknown>> = {
  recordedUserStore: () => recordedUserStore(db),
  ensure: () => ensureUserSummary(db),
  countUsers: () => countUsers(db, store),
  countMembers: () => countMembers(db, store),
  loadDesired: () => loadDesiredState({ db, specsDir: '/tmp/agg12_specs', env: { BU_PW: 'x' } }),
  statuses: () => readPopulationStatuses(db),
  targets: () => readTargetRecords(db),
  sync: () => countSyncState(db),
  lastRun: () => lastRun(db),
};
for (const [k, f] of Object.entries(fns)) {
  await f();
  const times: number[] = [];
  await Promise.all(Array.from({ length: 10 }, async () => { for (let i = 0; i < 10; i++) { const s = performance.now(); await f(); times.push(performance.now() - s); } }));
  times.sort((a, b) => a - b);
  console.log(k.padEnd(20), 'p50', times[49]!.toFixed(1), 'p95', times[94]!.toFixed(1));
}
await database.close();
