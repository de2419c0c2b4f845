/**
 * Errors the action library throws at its callers. A failing action does not throw: it returns `{ok: false}`.
 * These are for mistakes around the action: naming one that is not registered, or registering one twice.
 */

import { ConflictError, TramError } from '../common/errors.js';

/** A task names an action that no one registered (Mistral: "Failed to find action [action_name=...]"). */
export class ActionNotFoundError extends TramError {
  readonly action: string;
  constructor(action: string, options?: { cause?: unknown }) {
    super('ACTION_NOT_FOUND', `Action not found: ${action}`, options);
    this.action = action;
  }
}

/** A second registration under a name that is taken, without `{replace: true}`. */
export class DuplicateActionError extends ConflictError {
  readonly action: string;
  constructor(action: string) {
    super(`Action already registered: ${action} (pass {replace: true} to override it)`);
    this.action = action;
  }
}
