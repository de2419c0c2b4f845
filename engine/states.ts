/**
 * Mistral's state model (`mistral/workflow/states.py`): which states are final, which changes are possible and
 * which event a change emits. The transition tables are those of the machines (`machines/`), the one definition:
 * `isValidTransition` is derived from them.
 */
import { EXECUTION_TRANSITIONS } from './machines/execution-machine.js';
import { TASK_TRANSITIONS } from './machines/task-machine.js';
import type { EventType, TaskState, WorkflowState } from './types.js';

export const TERMINAL_WORKFLOW_STATES: ReadonlySet<WorkflowState> = new Set([
  'SUCCESS',
  'ERROR',
  'CANCELLED',
]);
export const COMPLETED_TASK_STATES: ReadonlySet<TaskState> = new Set([
  'SUCCESS',
  'ERROR',
  'CANCELLED',
  'SKIPPED',
]);

/** Whether some event of the task machine moves a task from `from` to `to` (staying put is always allowed). */
export function isValidTransition(from: TaskState, to: TaskState): boolean {
  return from === to || Object.values(TASK_TRANSITIONS[from] ?? {}).includes(to);
}

/** The same for executions, from the execution machine. */
export function isValidExecutionTransition(from: WorkflowState, to: WorkflowState): boolean {
  return from === to || Object.values(EXECUTION_TRANSITIONS[from] ?? {}).includes(to);
}

export function isTerminalWorkflow(s: WorkflowState): boolean {
  return TERMINAL_WORKFLOW_STATES.has(s);
}

export function isCompletedTask(s: TaskState): boolean {
  return COMPLETED_TASK_STATES.has(s);
}

/**
 * The event a task emits when it enters `to` from `from` (Mistral's `_identify_event`). `null` for states that
 * have no event (WAITING, IDLE, DELAYED): Mistral would send `event: null`; we send nothing.
 */
export function taskEventFor(from: TaskState | null, to: TaskState): EventType | null {
  switch (to) {
    case 'RUNNING':
      if (from === 'IDLE' || from === 'PAUSED' || from === 'WAITING') return 'TASK_RESUMED';
      if (from === 'ERROR') return 'TASK_RERUN';
      return 'TASK_LAUNCHED';
    case 'SUCCESS':
      return 'TASK_SUCCEEDED';
    case 'ERROR':
      return 'TASK_FAILED';
    case 'CANCELLED':
      return 'TASK_CANCELLED';
    case 'PAUSED':
      return 'TASK_PAUSED';
    case 'SKIPPED':
      return 'TASK_SKIPPED';
    default:
      return null;
  }
}

export function workflowEventFor(from: WorkflowState | null, to: WorkflowState): EventType | null {
  switch (to) {
    case 'RUNNING':
      if (from === 'PAUSED') return 'WORKFLOW_RESUMED';
      if (from === 'ERROR' || from === 'CANCELLED') return 'WORKFLOW_RERUN';
      return 'WORKFLOW_LAUNCHED';
    case 'SUCCESS':
      return 'WORKFLOW_SUCCEEDED';
    case 'ERROR':
      return 'WORKFLOW_FAILED';
    case 'CANCELLED':
      return 'WORKFLOW_CANCELLED';
    case 'PAUSED':
      return 'WORKFLOW_PAUSED';
    default:
      return null;
  }
}

/** Every event type the engine emits (defined with the listener rules, which select them). */
export { EVENT_TYPES } from '../model/index.js';
