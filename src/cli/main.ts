import { runCli } from './program.ts';
import { tuneGarbageCollection } from '../tuneGarbageCollection.ts';

tuneGarbageCollection();

const code = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
});
// Let pending writes drain instead of cutting output with process.exit().
process.exitCode = code;
