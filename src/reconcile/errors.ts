import { OperatorError } from '../errors.ts';

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

/** A run the guards stopped before it wrote anything (outcome "refused", not "failed"). */
export function isRefusal(err: unknown): boolean {
  return err instanceof MassDeleteRefusedError || err instanceof PasswordUnavailableError || err instanceof ConfirmationRequiredError;
}
