/** One thing wrong (or worth a warning) in a spec, located in its source file. */
export interface SpecProblem {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  message: string;
  hint?: string;
}

/** `path/file.yaml:LINE:COL: message (hint)`: the form editors and CI logs link to. */
export function formatProblem(p: SpecProblem): string {
  const where = `${p.file}:${p.line}:${p.column}`;
  const prefix = p.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${prefix}${p.message}${p.hint ? ` (${p.hint})` : ''}`;
}

/** Thrown when specs do not validate; carries every problem so callers can print all of them. */
export class SpecValidationError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(
      `${problems.filter((p) => p.severity === 'error').length} spec error(s):\n` +
        problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n'),
    );
    this.name = 'SpecValidationError';
  }
}
