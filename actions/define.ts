/**
 * `defineAction`: the typed way to write an action in TypeScript. The parameter list is checked against the
 * input type (a misspelt parameter name is a compile error), and `run` receives the input already typed.
 *
 * The types describe what the workflow author is expected to pass; they are not checked at run time. The
 * registry guarantees only that every declared parameter is present (given or defaulted) and nothing else is.
 */

import type { ActionContext, ActionDefinition, ActionOutcome } from './types.js';
import type { InputParam } from '../dsl/spec.js';

/**
 * One declared parameter: `'url'` (required) or `{name: 'method', default: 'GET'}` (optional). A `default` key,
 * even one whose value is `undefined` or `null`, makes the parameter optional.
 */
export type ParamDecl<K extends string = string> = K | { name: K; default?: unknown };

export interface ActionSpec<I extends Record<string, unknown>> {
  name: string;
  description?: string;
  input: ReadonlyArray<ParamDecl<keyof I & string>>;
  run(input: I, ctx: ActionContext): ActionOutcome | Promise<ActionOutcome>;
  /** See `ActionDefinition.inline`. */
  inline?: boolean;
  close?(): void | Promise<void>;
}

export function defineAction<I extends Record<string, unknown>>(spec: ActionSpec<I>): ActionDefinition {
  const def: ActionDefinition = {
    name: spec.name,
    input: spec.input.map(toInputParam),
    // The registry has applied the declared parameters; the cast is the one place the static type is trusted.
    run: (input, ctx) => spec.run(input as I, ctx),
  };
  if (spec.description !== undefined) def.description = spec.description;
  if (spec.inline) def.inline = true;
  if (spec.close) def.close = spec.close.bind(spec);
  return def;
}

function toInputParam(p: ParamDecl): InputParam {
  if (typeof p === 'string') return { name: p, hasDefault: false };
  return 'default' in p
    ? { name: p.name, hasDefault: true, default: p.default }
    : { name: p.name, hasDefault: false };
}
