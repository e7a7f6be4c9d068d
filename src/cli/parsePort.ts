import { OperatorError } from '../reconcile/errors.ts';

/** `--port`: 0 to 65535 (0: any free port). */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new OperatorError(`--port must be a port number from 0 to 65535 (got "${value}")`, 'bad_flag');
  return n;
}
