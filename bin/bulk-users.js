#!/usr/bin/env node
// Runs the compiled CLI (dist/cli/, bundled by `npm ci` through the prepare script) when it is
// at least as new as every source file; otherwise the TypeScript sources through tsx, so
// an edited or freshly checked-out tree never runs stale code. Compiled, a process needs
// about 50 MB less memory: tsx transpiles in a loader thread with a V8 heap of its own.
// BULK_USERS_FROM_SOURCE=1 forces the sources.
import { compiledIsFresh } from '../scripts/compiled.mjs';

if (process.env.BULK_USERS_FROM_SOURCE !== '1' && compiledIsFresh()) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
