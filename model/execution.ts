/**
 * The execution records shared by the engine (which produces them), the store (which persists them), delivery
 * (which sends the outbox events) and the API (which serialises them): workflow, task and action executions,
 * their states, and outbox events. Plain data, no behaviour: this module sits below all of those areas so that
 * none of them imports another just for a type.
 */

/** Workflow execution states (Mistral's `states.py`). */
export type WorkflowState = 'IDLE' | 'RUNNING' | 'PAUSED' | 'SUCCESS' | 'ERROR' | 'CANCELLED';

/** Task and action execution states. `DELAYED` is Mistral's RUNNING_DELAYED (its wire value). */
export type TaskState =
  'IDLE' | 'WAITING' | 'RUNNING' | 'DELAYED' | 'PAUSED' | 'SUCCESS' | 'ERROR' | 'CANCELLED' | 'SKIPPED';

export type ExecutionEventType =
  | 'WORKFLOW_LAUNCHED'
  | 'WORKFLOW_SUCCEEDED'
  | 'WORKFLOW_FAILED'
  | 'WORKFLOW_CANCELLED'
  | 'WORKFLOW_PAUSED'
  | 'WORKFLOW_RESUMED'
  | 'WORKFLOW_RERUN';

export type TaskEventType =
  | 'TASK_LAUNCHED'
  | 'TASK_SUCCEEDED'
  | 'TASK_FAILED'
  | 'TASK_CANCELLED'
  | 'TASK_PAUSED'
  | 'TASK_RESUMED'
  | 'TASK_RERUN'
  | 'TASK_SKIPPED';

export type EventType = ExecutionEventType | TaskEventType;

/** Execution `params`, as Mistral accepts them. Unknown keys are kept. */
export interface ExecutionParams {
  env?: Record<string, unknown>;
  /** Reverse workflows: the task to reach. */
  task_name?: string;
  notify?: unknown[];
  namespace?: string;
  [key: string]: unknown;
}

export interface ExecutionRecord {
  id: string;
  workflowName: string;
  workflowId: string;
  workflowNamespace: string;
  description: string;
  tags: string[];
  params: ExecutionParams;
  input: Record<string, unknown>;
  output: unknown;
  state: WorkflowState;
  stateInfo: string | null;
  /** The parent task when this is a sub-workflow execution. */
  taskExecutionId: string | null;
  parentExecutionId: string | null;
  rootExecutionId: string | null;
  publishedGlobal: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface TaskRecord {
  id: string;
  name: string;
  workflowExecutionId: string;
  workflowName: string;
  workflowId: string;
  workflowNamespace: string;
  state: TaskState;
  stateInfo: string | null;
  type: 'ACTION' | 'WORKFLOW';
  /** The variables the task saw when it started (`$`). */
  inContext: Record<string, unknown>;
  published: Record<string, unknown>;
  /** The task's result (`task().result`): one value, or a list for with-items. */
  result: unknown;
  runtimeContext: Record<string, unknown>;
  /** True once its outbound transitions have been processed. */
  processed: boolean;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface ActionExecutionRecord {
  id: string;
  name: string;
  taskExecutionId: string | null;
  workflowExecutionId: string;
  workflowName: string;
  taskName: string | null;
  state: TaskState;
  stateInfo: string | null;
  input: Record<string, unknown>;
  output: unknown;
  /** `action` for the task's own action (or with-items item), `hook` for on-enter / on-exit runs. */
  kind: 'action' | 'hook';
  /** with-items index; 0 for plain tasks. */
  index: number;
  accepted: boolean;
  /** Attempt number within the task execution (retries, re-runs after a crash). */
  attempt: number;
  /** The action answered "started": its result arrives through the async-action protocol. */
  isAsync?: boolean;
  /** An action run on its own (no workflow): the description and namespace it was started with. */
  description?: string;
  workflowNamespace?: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * One EXECUTION or TASK event, written to the outbox in the transaction of the state change that caused it.
 * `sequence` numbers the events of one workflow execution without gaps.
 */
export interface OutboxEvent {
  /** Global, monotonically increasing position in the outbox. */
  id: number;
  /** The workflow execution the entity belongs to. */
  executionId: string;
  rootExecutionId: string;
  sequence: number;
  entity: 'execution' | 'task';
  entityId: string;
  eventType: EventType;
  state: WorkflowState | TaskState;
  previousState: WorkflowState | TaskState | null;
  /** Mistral's notify payload for the event (see docs/events.md). */
  payload: Record<string, unknown>;
  /** True when an action re-run after a crash may have caused this event to be emitted a second time. */
  duplicate: boolean;
  createdAt: number;
}
