/**
 * The start-up step: how long `bulk-users validate` (of the shipped specs/) and
 * `bulk-users --help` take, wall clock, as a ratio to `node -e 1` measured in the same
 * rounds. Ratios, because the machine sets the absolute figures (a busy 2-core machine
 * doubles all three). Each round runs the three commands one after the other, so a load
 * change hits them alike; the median of the rounds is the figure.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { atMost, formatNumber, type TableRow, type TargetCheck } from './report.ts';

const repoDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * The targets, 0.35 s for validate and 0.3 s for --help, were set where `node -e 1`
 * took 0.15 s; as ratios they hold on any machine.
 */
const NODE_E_1_WHEN_SET = 0.15;
export const VALIDATE_RATIO_BOUND = Number((0.35 / NODE_E_1_WHEN_SET).toFixed(2));
export const HELP_RATIO_BOUND = Number((0.3 / NODE_E_1_WHEN_SET).toFixed(2));

const COMMANDS = {
  nodeE1: ['-e', '1'],
  validate: ['bin/bulk-users.js', 'validate', '--specs', 'specs'],
  help: ['bin/bulk-users.js', '--help'],
} as const;
type Name = keyof typeof COMMANDS;

function wallSeconds(args: readonly string[]): number {
  // Without BULK_USERS_FROM_SOURCE: the bin runs dist/, as after `npm ci` (the bench builds it first).
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.BULK_USERS_FROM_SOURCE;
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: repoDir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`start-up step: node ${args.join(' ')} exited ${r.status}:\n${(r.stderr || r.stdout).trim()}`);
  return seconds;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export interface StartupResult {
  figures: Record<string, number>;
  targets: { startupValidate: TargetCheck; startupHelp: TargetCheck };
  rows: TableRow[];
  samples: Record<Name, number[]>;
}

/** `rounds` runs of each command after one unmeasured warm-up round (file cache, dist/ freshness). */
export function measureStartup(rounds: number): StartupResult {
  const names = Object.keys(COMMANDS) as Name[];
  for (const name of names) wallSeconds(COMMANDS[name]);
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
  for (let i = 0; i < rounds; i++) for (const name of names) samples[name].push(wallSeconds(COMMANDS[name]));
  const [e1, validate, help] = [median(samples.nodeE1), median(samples.validate), median(samples.help)];
  const figures = {
    'startup.runs': rounds,
    'startup.nodeE1Seconds': e1,
    'startup.validateSeconds': validate,
    'startup.helpSeconds': help,
    'startup.validateToNodeE1': validate / e1,
    'startup.helpToNodeE1': help / e1,
  };
  const targets = {
    startupValidate: atMost(`validate ≤ ${VALIDATE_RATIO_BOUND} × node -e 1`, figures['startup.validateToNodeE1'], VALIDATE_RATIO_BOUND, '×'),
    startupHelp: atMost(`--help ≤ ${HELP_RATIO_BOUND} × node -e 1`, figures['startup.helpToNodeE1'], HELP_RATIO_BOUND, '×'),
  };
  const n = (v: number, d = 2): string => formatNumber(v, d);
  const ms = (v: number): string => `${n(v * 1000, 0)} ms`;
  const spread = (xs: number[]): string => `${ms(Math.min(...xs))}–${ms(Math.max(...xs))}`;
  const rows: TableRow[] = [
    { step: '7 start-up', figure: 'node -e 1', value: ms(e1), raw: `median of ${rounds} (${spread(samples.nodeE1)})` },
    { step: '7 start-up', figure: 'validate / node -e 1', value: `${n(figures['startup.validateToNodeE1'])}×`, raw: `${ms(validate)}, median of ${rounds} (${spread(samples.validate)}); the shipped specs/`, target: targets.startupValidate },
    { step: '7 start-up', figure: '--help / node -e 1', value: `${n(figures['startup.helpToNodeE1'])}×`, raw: `${ms(help)}, median of ${rounds} (${spread(samples.help)})`, target: targets.startupHelp },
  ];
  return { figures, targets, rows, samples };
}
