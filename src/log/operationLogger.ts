import type { Logger } from './logger.ts';

/**
 * The `operation` field of log lines, one value per kind of work, so that
 * `grep bulk_user_creation logs/bulk_user_management.log` finds every line of the creates:
 * - reconcile: a reconcile from the CLI, a schedule, a spec change or an API request
 * - bulk_user_creation: POST /api/bulk-users/create (including the reconcile it runs)
 * - sync: POST /api/bulk-users/sync (including the reconcile it runs)
 * - cleanup: `bulk-users cleanup` and POST /api/bulk-users/lifecycle/cleanup
 */
export const OPERATIONS = ['reconcile', 'bulk_user_creation', 'sync', 'cleanup'] as const;
export type Operation = (typeof OPERATIONS)[number];

/**
 * A child logger whose every line carries `operation`. Work started inside another
 * operation (the reconcile a create runs) keeps the outer one: pino would otherwise write
 * the key twice, and the create is what the operator greps for.
 */
export function operationLogger(logger: Logger, operation: Operation): Logger {
  if (typeof logger.bindings === 'function' && logger.bindings().operation !== undefined) return logger;
  return logger.child({ operation });
}
