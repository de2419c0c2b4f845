/**
 * The Jinja evaluation in progress. Rendering is synchronous, so the evaluation lives in a module-level slot
 * for its duration; the runtime helpers, globals and filters read the budget and the host from here instead of
 * receiving them through nunjucks, which has no way to pass them.
 */
import type { Budget } from '../budget.js';
import { fail } from '../failure.js';
import type { ExpressionHost } from '../types.js';

export interface JinjaEvaluation {
  readonly budget: Budget;
  readonly host: ExpressionHost | undefined;
  /** Capture the output value instead of rendering it (single-expression strings). */
  readonly capture: boolean;
  captured: unknown;
  /** Why the last lookup found nothing, for the error if that undefined value gets used. */
  missing: string | undefined;
}

let active: JinjaEvaluation | undefined;

export function current(): JinjaEvaluation {
  return active ?? fail('Jinja helper called outside an evaluation');
}

/** Runs `fn` with `evaluation` in progress, restoring any outer one afterwards. */
export function withEvaluation<T>(evaluation: JinjaEvaluation, fn: () => T): T {
  const outer = active;
  active = evaluation;
  try {
    return fn();
  } finally {
    active = outer;
  }
}

/** Records why a lookup came back undefined and returns undefined (Jinja's Undefined). */
export function undefinedBecause(description: string): undefined {
  if (active) active.missing = description;
  return undefined;
}
