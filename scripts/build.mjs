// Compiles src/ (and the benchmark's measuring child) to dist/, then stamps the build so
// bin/bulk-users.js knows the compiled code is as new as the sources. `npm run build`;
// `npm ci` runs it through the prepare script. `--if-stale` does nothing when dist/ is fresh
// (the benchmark uses it, so CLI processes of a concurrent test run never see dist/ vanish).
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildStamp, compiledIsFresh } from './compiled.mjs';

if (process.argv.includes('--if-stale') && compiledIsFresh()) process.exit(0);
const root = new URL('../', import.meta.url);
rmSync(new URL('dist/', root), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const { status } = spawnSync(process.execPath, [tsc, '-p', new URL('tsconfig.build.json', root).pathname], { stdio: 'inherit' });
if (status !== 0) process.exit(status ?? 1);
writeFileSync(buildStamp, `${new Date().toISOString()}\n`);
