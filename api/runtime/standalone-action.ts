/**
 * `POST /v2/action_executions`: runs a registered action outside any workflow and answers with its result, as
 * Mistral does for `run-action` without `save_result` (`default_engine.start_action`: run synchronously, return
 * an action execution that is not stored). Saving the result, and actions that complete asynchronously, need a
 * stored action execution without a workflow, which the store does not hold: both are refused by name.
 */
import { InvalidInputError, TramError, newId } from '../../common/index.js';
import { runAction, type ActionContext } from '../../actions/index.js';
import type { Engine } from '../../engine/index.js';
import { jsonString, time } from '../wire.js';

export interface StandaloneRequest {
  name: string;
  input: Record<string, unknown>;
  description: string;
  /** Seconds before the action is aborted; none when absent. */
  timeout?: number;
}

export async function runStandaloneAction(
  engine: Engine,
  req: StandaloneRequest,
): Promise<Record<string, unknown>> {
  if (engine.definitions.action(req.name)) {
    throw new InvalidInputError(`ad-hoc action '${req.name}' can only run inside a workflow`, 'name');
  }
  const def = engine.actions.get(req.name);
  if (!def) {
    // Mistral's code and text, and the field at fault for the 400.
    const err = new TramError('ACTION_NOT_FOUND', `Failed to find action [action_name=${req.name}]`);
    throw Object.assign(err, { field: 'name' });
  }
  const input = engine.actions.prepareInput(req.name, req.input);
  const abort = new AbortController();
  const timer =
    req.timeout !== undefined
      ? setTimeout(() => abort.abort(new Error(`timed out after ${req.timeout}s`)), req.timeout * 1000)
      : undefined;
  const id = newId();
  const ctx: ActionContext = {
    workflowExecutionId: '',
    rootExecutionId: '',
    taskExecutionId: '',
    actionExecutionId: id,
    workflowName: '',
    taskName: '',
    signal: abort.signal,
    env: {},
  };
  const started = Date.now();
  let out;
  try {
    out = await runAction(def, input, ctx);
  } finally {
    clearTimeout(timer);
  }
  if ('async' in out) {
    abort.abort();
    throw new InvalidInputError(
      `action '${req.name}' completes asynchronously: it can only run inside a workflow`,
      'name',
    );
  }
  const value = out.ok ? out.data : out.error;
  return {
    // Not stored, as in Mistral without save_result.
    id: null,
    name: req.name,
    workflow_name: null,
    workflow_namespace: '',
    task_name: null,
    task_execution_id: null,
    state: out.ok ? 'SUCCESS' : 'ERROR',
    state_info: out.ok ? null : typeof value === 'string' ? value : JSON.stringify(value),
    tags: [],
    accepted: true,
    input: jsonString(input),
    output: jsonString({ result: value ?? null }),
    description: req.description,
    params: jsonString({}),
    created_at: time(started),
    updated_at: time(Date.now()),
  };
}
