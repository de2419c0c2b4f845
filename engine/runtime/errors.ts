/**
 * The error texts of a task or workflow, in Mistral 15's formats (scripts parse them): what `state_info` and a
 * failed workflow's `output.result` say when an action fails, a task cannot start, its completion cannot be
 * handled (publish, a transition guard), or the workflow's output cannot be evaluated.
 */
import { pyRepr } from '../../dsl/index.js';
import type { ExecRun, TaskRun } from './model.js';

/** Turns an action's error value into the one-line `state_info` a person reads. */
export function describeError(value: unknown): string {
  if (value === null || value === undefined) return 'Unknown error';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** The task could not start: its input, policies, items or action did not evaluate. */
export function runTaskError(t: TaskRun, error: string): string {
  return `Failed to run task [error=${error}, wf=${t.exec.rec.workflowName}, task=${t.rec.name}]`;
}

/** The task's action finished but what follows failed (publish, a transition guard). */
export function completionError(t: TaskRun, error: string): string {
  const action = (t.rec.runtimeContext.action_name as string | undefined) ?? String(t.spec.target);
  return `Failed to handle action completion [error=${error}, wf=${t.exec.rec.workflowName}, task=${t.rec.name}, action=${action}]`;
}

/** The workflow's `output` did not evaluate once every task was done. */
export function outputError(e: ExecRun, error: string): string {
  return `Failed to check and complete [wf_ex_id=${e.rec.id}, wf_name=${e.rec.workflowName}]: ${error}`;
}

/** `output-on-error` did not evaluate: says so, with the clause and the failure that made the workflow fail. */
export function outputOnErrorError(clause: unknown, error: string, cause: string): string {
  return (
    `Failed to evaluate expression in output-on-error! (output-on-error: '${pyRepr(clause)}', ` +
    `exception: '${error}' Cause: '${cause}'`
  );
}

/** Mistral's workflow failure: the failed tasks' names, then a block per task (by name) with its error. */
export function failureMessage(errors: TaskRun[]): string {
  const sorted = [...errors].sort((a, b) => (a.rec.name < b.rec.name ? -1 : a.rec.name > b.rec.name ? 1 : 0));
  const names = [...new Set(sorted.map((t) => t.rec.name))].join(', ');
  const blocks = sorted.map(
    (t) => `\n  ${t.rec.name} [task_ex_id=${t.rec.id}] -> ${t.rec.stateInfo ?? ''}\n`,
  );
  return `Failure caused by error in tasks: ${names}\n${blocks.join('')}`;
}

/** A policy's evaluated value of the wrong type or range (Mistral validates it with a JSON schema). */
export function policyTypeError(policy: string, property: string, value: unknown): string {
  const shown = pyRepr(value);
  const [rule, what] =
    typeof value === 'number' && Number.isFinite(value)
      ? ['minimum', `${shown} is less than the minimum of 0`]
      : ['type', `${shown} is not of type 'integer'`];
  return (
    `Invalid data type in ${policy}: ${what}\n\n` +
    `Failed validating '${rule}' in schema['properties']['${property}']:\n    {'minimum': 0, 'type': 'integer'}\n\n` +
    `On instance['${property}']:\n    ${shown}. Value(s) can be shown after YAQL evaluating. ` +
    'If you use YAQL here, please correct it.'
  );
}

/** A task execution past the execution's limit (`maxTasksPerExecution`): most likely a loop that never ends. */
export function taskLimitError(max: number): string {
  return (
    `The workflow execution reached its limit of ${max} task executions ` +
    '(TRAM_MAX_TASKS_PER_EXECUTION): a loop that does not end?'
  );
}

/** A sub-workflow nested deeper than the limit (`maxWorkflowDepth`): most likely a workflow calling itself. */
export function workflowDepthError(name: string, max: number): string {
  return (
    `Sub-workflow '${name}' would nest deeper than ${max} levels (TRAM_MAX_WORKFLOW_DEPTH): ` +
    'a workflow that calls itself without end?'
  );
}

/** A tree of executions past its size (`maxExecutionsPerTree`): most likely sub-workflows fanning out without end. */
export function treeSizeError(name: string, max: number): string {
  return (
    `Sub-workflow '${name}' would be one more than the ${max} executions a top-level execution may start ` +
    'with its sub-workflows (TRAM_MAX_EXECUTIONS_PER_TREE): sub-workflows that fan out without end?'
  );
}
