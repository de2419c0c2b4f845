/**
 * Calls an action and turns whatever it throws (synchronously or as a rejected promise) into a failure outcome,
 * so the engine has one shape to handle. A synchronous result stays synchronous: cheap actions such as `std.noop`
 * and `std.echo` then cost the engine no microtask hop.
 */

import { toError } from '../common/errors.js';
import type { ActionContext, ActionDefinition, ActionOutcome } from './types.js';

export function runAction(
  def: ActionDefinition,
  input: Record<string, unknown>,
  ctx: ActionContext,
): ActionOutcome | Promise<ActionOutcome> {
  try {
    const result = def.run(input, ctx);
    return isPromiseLike(result) ? Promise.resolve(result).then(undefined, failureOf) : result;
  } catch (err) {
    return failureOf(err);
  }
}

/** The failure outcome for a thrown value: Mistral reports an action's exception as its message string. */
export function failureOf(err: unknown): ActionOutcome {
  return { ok: false, error: toError(err).message };
}

function isPromiseLike(value: unknown): value is PromiseLike<ActionOutcome> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
