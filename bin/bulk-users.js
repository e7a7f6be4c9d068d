#!/usr/bin/env node
// The CLI runs from TypeScript sources through tsx, so a clone is runnable right after
// `npm ci` with no build step that could go stale.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
