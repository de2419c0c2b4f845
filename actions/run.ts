/**
 * Calls an action and turns whatever it throws (synchronously or as a rejected promise) into a failure outcome,
 * so the engine has one shape to handle. A synchronous result stays synchronous: cheap actions such as `std.noop`
 * and `std.echo` then cost the engine no microtask hop.
 */

import { valueProblem } from '../common/bounds.js';
import { toError } from '../common/errors.js';
import type { ActionContext, ActionDefinition, ActionOutcome } from './types.js';

export function runAction(
  def: ActionDefinition,
  input: Record<string, unknown>,
  ctx: ActionContext,
): ActionOutcome | Promise<ActionOutcome> {
  try {
    const result = def.run(input, ctx);
    return isPromiseLike(result) ? Promise.resolve(result).then(bounded, failureOf) : bounded(result);
  } catch (err) {
    return failureOf(err);
  }
}

/** A result the store could not hold (too deep, too large) fails the action instead. */
function bounded(outcome: ActionOutcome): ActionOutcome {
  if ('async' in outcome) return outcome;
  const value = outcome.ok ? outcome.data : outcome.error;
  const problem = typeof value === 'object' && value !== null ? valueProblem(value) : undefined;
  if (problem === undefined) return outcome;
  return { ok: false, error: `the action's ${outcome.ok ? 'result' : 'error'} ${problem}` };
}

/** The failure outcome for a thrown value: Mistral reports an action's exception as its message string. */
export function failureOf(err: unknown): ActionOutcome {
  return { ok: false, error: toError(err).message };
}

function isPromiseLike(value: unknown): value is PromiseLike<ActionOutcome> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
