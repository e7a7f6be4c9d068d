import { Option, type Command } from 'commander';
import type { DoctorCheck } from '../doctor/DoctorCheck.ts';
import type { Style } from './renderPlan.ts';
import { table } from './table.ts';

export interface DoctorCommandIO {
  stdout: (text: string) => void;
  env: NodeJS.ProcessEnv;
  style: Style;
  setExitCode: (code: number) => void;
}

/**
 * `bulk-users doctor [--api URL] [--specs DIR] [--output json]`: the health check of the
 * whole installation, read-only (it never starts the embedded server). Exit 0 when no
 * check fails (warnings allowed), 1 otherwise.
 */
export function registerDoctorCommand(program: Command, io: DoctorCommandIO): void {
  program
    .command('doctor')
    .description('check the database, schema, specs, API, sync targets, disk, memory, log and key files; exit 1 if any check fails')
    .option('--specs <dir>', 'spec directory or file', 'specs')
    .option('--api <url>', 'the bulk-users API to check; given, it must answer (default http://127.0.0.1:BULK_USERS_PORT, else :5000, a warning when down)')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (flags: { specs: string; api?: string; output: 'text' | 'json' }) => {
      const { runDoctor } = await import('../doctor/runDoctor.ts');
      const report = await runDoctor({ env: io.env, specsDir: flags.specs, ...(flags.api ? { api: flags.api } : {}) });
      if (flags.output === 'json') io.stdout(JSON.stringify(report, null, 2) + '\n');
      else io.stdout(renderChecks(report.checks, io.style));
      io.setExitCode(report.ok ? 0 : 1);
    });
}

function renderChecks(checks: DoctorCheck[], style: Style): string {
  const mark = (s: DoctorCheck['status']): string => (s === 'ok' ? style.green('ok') : s === 'warn' ? style.yellow('WARN') : style.red('FAIL'));
  const failed = checks.filter((c) => c.status === 'fail').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  const lines = table(['CHECK', 'STATUS', 'DETAIL'], checks.map((c) => [c.name, mark(c.status), c.detail]));
  lines.push('', failed ? `${failed} check(s) failed, ${warned} warning(s).` : warned ? `No check failed; ${warned} warning(s).` : 'All checks passed.');
  return lines.join('\n') + '\n';
}
