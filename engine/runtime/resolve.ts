/**
 * Resolves what a task runs. An action name is looked up among the workbook's ad-hoc actions, then the
 * registry; an ad-hoc action is expanded onto its base (recursively, bounded) with its `base-input` evaluated
 * over its own input, and its `output` transformations are kept to apply to the base result.
 */
import { TramError } from '../../common/index.js';
import type { ActionDefinition, ActionRegistry } from '../../actions/index.js';
import type { Expr } from '../../dsl/index.js';
import type { Definitions } from '../definitions.js';
import { applyInputParams } from './inputs.js';

export interface PreparedAction {
  def: ActionDefinition;
  input: Record<string, unknown>;
  outputs: Expr[];
  /** The name as the task wrote it (an ad-hoc action's name, or the registered action's). */
  name: string;
}

const MAX_ADHOC_DEPTH = 10;

export function prepareAction(
  defs: Definitions,
  registry: ActionRegistry,
  name: string,
  input: Record<string, unknown>,
  workbook: string | undefined,
  evalBaseInput: (expr: Expr, data: Record<string, unknown>) => unknown,
  namespace = '',
): PreparedAction {
  const outputs: Expr[] = [];
  let current = name;
  let currentInput = input;
  for (let depth = 0; depth <= MAX_ADHOC_DEPTH; depth++) {
    const adhoc = defs.action(current, workbook, namespace);
    if (adhoc) {
      const own = applyInputParams(
        adhoc.input,
        currentInput,
        adhoc.name,
        'mistral.actions.adhoc.AdHocAction',
      );
      currentInput = (evalBaseInput(adhoc.baseInput, own) ?? {}) as Record<string, unknown>;
      if (adhoc.output !== undefined) outputs.unshift(adhoc.output);
      current = adhoc.base;
      workbook = adhoc.workbook ?? workbook;
      continue;
    }
    const def = registry.get(current);
    if (!def) {
      // Mistral's words: uploads accept unknown actions, so this is where a misspelt name shows up.
      throw new TramError(
        'ACTION_NOT_FOUND',
        `Failed to find action [action_name=${current}, namespace=${namespace}]`,
      );
    }
    return { def, input: registry.prepareInput(current, currentInput), outputs, name };
  }
  throw new TramError(
    'ACTION_NOT_FOUND',
    `ad-hoc action '${name}' nests deeper than ${MAX_ADHOC_DEPTH} levels`,
  );
}
