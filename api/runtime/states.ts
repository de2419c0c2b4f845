/** The state names the API accepts in filters and bodies (Mistral's `states.py`; `DELAYED` is RUNNING_DELAYED). */
import type { TaskState, WorkflowState } from '../../engine/index.js';

export const WORKFLOW_STATES: readonly WorkflowState[] = [
  'IDLE',
  'RUNNING',
  'PAUSED',
  'SUCCESS',
  'ERROR',
  'CANCELLED',
];

export const TASK_STATES: readonly TaskState[] = [
  'IDLE',
  'WAITING',
  'RUNNING',
  'DELAYED',
  'PAUSED',
  'SUCCESS',
  'ERROR',
  'CANCELLED',
  'SKIPPED',
];
