/**
 * Mistral's state model (`mistral/workflow/states.py`): the states, which changes the API may request, and
 * which event a change emits. The machines in `machines/` encode the same table as XState transitions; this
 * module is the reference they and the API checks share.
 */
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

/** Mistral's `_VALID_TRANSITIONS`, with `SKIPPED: []` added (Mistral raises KeyError there). */
const VALID: Record<TaskState, readonly TaskState[]> = {
  IDLE: ['RUNNING', 'ERROR', 'CANCELLED'],
  WAITING: ['RUNNING'],
  RUNNING: ['PAUSED', 'DELAYED', 'SUCCESS', 'ERROR', 'CANCELLED'],
  DELAYED: ['RUNNING', 'ERROR', 'CANCELLED'],
  PAUSED: ['RUNNING', 'ERROR', 'CANCELLED'],
  SUCCESS: [],
  CANCELLED: ['RUNNING'],
  ERROR: ['RUNNING', 'SKIPPED'],
  SKIPPED: [],
};

/** Whether an externally requested change is allowed. A move to the same state is always allowed. */
export function isValidTransition(from: TaskState | WorkflowState, to: TaskState | WorkflowState): boolean {
  return from === to || (VALID[from] ?? []).includes(to);
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

/** Every event type the engine emits, in Mistral's order (`notification_events.py`). */
export const EVENT_TYPES: readonly EventType[] = [
  'WORKFLOW_LAUNCHED',
  'WORKFLOW_SUCCEEDED',
  'WORKFLOW_FAILED',
  'WORKFLOW_CANCELLED',
  'WORKFLOW_PAUSED',
  'WORKFLOW_RESUMED',
  'WORKFLOW_RERUN',
  'TASK_LAUNCHED',
  'TASK_SUCCEEDED',
  'TASK_FAILED',
  'TASK_CANCELLED',
  'TASK_PAUSED',
  'TASK_RESUMED',
  'TASK_RERUN',
  'TASK_SKIPPED',
];
