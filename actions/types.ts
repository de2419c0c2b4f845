/**
 * The action plug-in contract. An action is what a task runs: the standard library (`std.*`) and any custom
 * action registered in TypeScript implement `ActionDefinition`. Ad-hoc actions written in YAML are not
 * registered here: the engine expands them onto their base action.
 *
 * Outcomes are returned, not thrown: a failing HTTP call returns `{ok: false, error}`. A thrown exception is
 * treated as a failure too, with its message as the error.
 */

import type { InputParam } from '../dsl/spec.js';

export interface ActionContext {
  workflowExecutionId: string;
  rootExecutionId: string;
  taskExecutionId: string;
  actionExecutionId: string;
  workflowName: string;
  taskName: string;
  /** Index of the item for `with-items` tasks. */
  withItemsIndex?: number;
  /** Where an asynchronous action's result can be reported (`PUT {callbackUrl}` with `{state, output}`). */
  callbackUrl?: string;
  /** Aborted when the task times out or the execution is cancelled. */
  signal: AbortSignal;
  /** The execution's environment (`env()`). */
  env: Record<string, unknown>;
}

export type ActionOutcome =
  /** Finished successfully; `data` becomes the action's result. */
  | { ok: true; data: unknown }
  /** Failed; `error` becomes the task's result and `state_info`. */
  | { ok: false; error: unknown }
  /** Started; the result arrives later through the engine's `completeAction` (the async-action protocol). */
  | { async: true };

export interface ActionDefinition {
  /** Full name, e.g. `std.echo` or `acme.create_ticket`. */
  name: string;
  description?: string;
  /** Declared parameters, with defaults. Unknown parameters are refused; missing required ones too. */
  input: InputParam[];
  /**
   * Runs the action. May return synchronously: the engine avoids a microtask hop for cheap actions.
   * `input` has been checked against `input` (defaults applied).
   */
  run(input: Record<string, unknown>, ctx: ActionContext): ActionOutcome | Promise<ActionOutcome>;
  /**
   * The action has no effect outside the engine and is cheap (`std.noop`, `std.echo`, `std.fail`). The engine
   * may then run it in the same unit of work as the state change that starts it, before that change is
   * durable: a crash simply runs it again, and a chain of such tasks costs one commit instead of one per step.
   * Leave unset for anything that talks to the outside world. @default false
   */
  inline?: boolean;
  /**
   * Releases what the action holds across runs (keep-alive sockets, for `std.http`). Called once by
   * `ActionRegistry.close()` when the engine shuts down; must be safe to call more than once.
   */
  close?(): void | Promise<void>;
}
