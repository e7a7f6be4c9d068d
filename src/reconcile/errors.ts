import { OperatorError } from '../errors.ts';
import type { DependentRows } from '../plan/Plan.ts';

export { OperatorError };

export class MassDeleteRefusedError extends OperatorError {
  constructor(message: string) {
    super(message, 'mass_delete_refused');
  }
}

export class PasswordUnavailableError extends OperatorError {
  constructor(missing: { name: string; variable: string; reason?: string }[]) {
    super(
      missing.map((m) => `population "${m.name}": ${m.reason ?? `password variable ${m.variable} is not set`}`).join('\n') +
        (missing.some((m) => m.reason)
          ? '\nan API-defined population that reads a forbidden variable must be removed (POST /api/bulk-users/lifecycle/cleanup {batch_id}); nothing was written'
          : '\nset the variable(s) in the environment of the reconciler; nothing was written'),
      'password_unavailable',
    );
  }
}

export class ConfirmationRequiredError extends OperatorError {
  constructor(deletes: number) {
    super(`the plan deletes ${deletes} user(s) and there is no terminal to confirm; pass --yes to apply it`, 'confirmation_required');
  }
}

/** Rows of the application reference test users the plan deletes, under keys that would make the delete fail. */
export class DependentRowsError extends OperatorError {
  constructor(blocking: readonly DependentRows[]) {
    super(
      blocking.map((d) => `${d.rows} row(s) of ${d.table}.${d.column} reference test users this run deletes (ON DELETE ${d.onDelete})`).join('\n') +
        '\nname them in the ReconcilerConfig userStore.dependents to delete them first, or remove them; nothing was deleted',
      'dependent_rows',
    );
  }
}

/** A run the guards stopped before it wrote anything (outcome "refused", not "failed"). */
export function isRefusal(err: unknown): boolean {
  return err instanceof MassDeleteRefusedError || err instanceof PasswordUnavailableError || err instanceof ConfirmationRequiredError || err instanceof DependentRowsError;
}
