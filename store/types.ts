/**
 * The store contract. The engine keeps the hot state of running executions in memory and writes every state
 * change through `commit(changes)`: one call is one atomic transaction holding the new execution, task and
 * action rows, the outbox events they emitted and the timers they armed or cleared. Reads serve the API, the
 * CLI and recovery after a restart.
 *
 * Every method is async so that a networked store (PostgreSQL, for several engine nodes) implements the same
 * interface; the embedded SQLite store answers synchronously under the hood.
 */

import type { DocumentSpec, WorkflowSpec, AdHocActionSpec } from '../dsl/spec.js';
import type {
  ActionExecutionRecord,
  ExecutionRecord,
  OutboxEvent,
  TaskRecord,
  WorkflowState,
  TaskState,
} from '../engine/types.js';

/** Engine bookkeeping persisted with an execution, beside Mistral's fields. */
export interface ExecutionRuntime {
  /** The context the first tasks see: input (with defaults) and evaluated `vars`. */
  initialContext: Record<string, unknown>;
  /** Last event sequence number used. */
  seq: number;
  /** The execution machine's persisted context. */
  machine: Record<string, unknown>;
  /** Work held back while the execution is paused (serialised commands). */
  deferred: unknown[];
  /** The workflow spec the execution runs (a copy: later edits of the definition do not affect it). */
  spec: WorkflowSpec;
  /** Execution-level hook progress. */
  hooks?: Record<string, unknown>;
  /** Resolved environment. */
  env: Record<string, unknown>;
  /** The last task error, for hooks (`$.execution.error`). */
  lastError?: string | null;
}

export interface ExecutionRow {
  record: ExecutionRecord;
  runtime: ExecutionRuntime;
}

export interface TaskRow {
  record: TaskRecord;
  /** The task machine's persisted context. */
  machine: Record<string, unknown>;
}

export interface TimerRow {
  id: string;
  executionId: string;
  taskExecutionId: string | null;
  kind: string;
  dueAt: number;
  payload: Record<string, unknown>;
}

/** Everything one engine step changed. Applied atomically by `commit`. */
export interface ChangeSet {
  executions: ExecutionRow[];
  tasks: TaskRow[];
  actions: ActionExecutionRecord[];
  /** New outbox events; the store assigns `id`. */
  events: Omit<OutboxEvent, 'id'>[];
  timersSet: TimerRow[];
  timersCleared: string[];
}

export interface WorkbookRow {
  name: string;
  namespace: string;
  definition: string;
  spec: DocumentSpec;
  tags: string[];
  scope: string;
  createdAt: number;
  updatedAt: number;
}

export interface WorkflowDefinitionRow {
  id: string;
  name: string;
  namespace: string;
  workbookName: string | null;
  definition: string;
  spec: WorkflowSpec;
  tags: string[];
  scope: string;
  createdAt: number;
  updatedAt: number;
}

export interface ActionDefinitionRow {
  id: string;
  name: string;
  namespace: string;
  workbookName: string | null;
  definition: string;
  spec: AdHocActionSpec;
  tags: string[];
  scope: string;
  createdAt: number;
  updatedAt: number;
}

export interface EnvironmentRow {
  id: string;
  name: string;
  description: string;
  variables: Record<string, unknown>;
  scope: string;
  createdAt: number;
  updatedAt: number;
}

export interface ListOptions {
  limit?: number;
  /** Return rows strictly after this id in the sort order. */
  marker?: string;
  sortKey?: string;
  sortDir?: 'asc' | 'desc';
}

export interface ExecutionFilter extends ListOptions {
  state?: WorkflowState;
  workflowName?: string;
  parentTaskId?: string;
  rootExecutionId?: string;
  /** Only top-level executions (no parent task). */
  topLevel?: boolean;
}

export interface TaskFilter extends ListOptions {
  workflowExecutionId?: string;
  state?: TaskState;
  name?: string;
}

export interface ActionFilter extends ListOptions {
  taskExecutionId?: string;
  workflowExecutionId?: string;
  state?: TaskState;
}

export interface EventFilter {
  afterId?: number;
  limit?: number;
  executionId?: string;
  rootExecutionId?: string;
  acked?: boolean;
}

/** Unfinished work loaded at start-up so the engine can resume it. */
export interface RecoverySet {
  executions: ExecutionRow[];
  tasks: TaskRow[];
  actions: ActionExecutionRecord[];
  timers: TimerRow[];
  /** The last event sequence number of each execution. */
  sequences: Record<string, number>;
}

export interface Store {
  /** Human-readable kind and location, for logs. */
  readonly description: string;

  commit(changes: ChangeSet): Promise<void>;

  // Definitions
  saveDocument(
    workbook: WorkbookRow | null,
    workflows: WorkflowDefinitionRow[],
    actions: ActionDefinitionRow[],
  ): Promise<void>;
  getWorkbook(name: string, namespace?: string): Promise<WorkbookRow | null>;
  listWorkbooks(opts?: ListOptions): Promise<WorkbookRow[]>;
  deleteWorkbook(name: string, namespace?: string): Promise<boolean>;
  getWorkflowDefinition(nameOrId: string, namespace?: string): Promise<WorkflowDefinitionRow | null>;
  listWorkflowDefinitions(opts?: ListOptions): Promise<WorkflowDefinitionRow[]>;
  deleteWorkflowDefinition(id: string): Promise<boolean>;
  getActionDefinition(nameOrId: string, namespace?: string): Promise<ActionDefinitionRow | null>;
  listActionDefinitions(opts?: ListOptions): Promise<ActionDefinitionRow[]>;
  deleteActionDefinition(id: string): Promise<boolean>;

  // Environments
  putEnvironment(env: EnvironmentRow): Promise<void>;
  getEnvironment(name: string): Promise<EnvironmentRow | null>;
  listEnvironments(): Promise<EnvironmentRow[]>;
  deleteEnvironment(name: string): Promise<boolean>;

  // Runtime reads
  getExecution(id: string): Promise<ExecutionRow | null>;
  listExecutions(filter?: ExecutionFilter): Promise<ExecutionRecord[]>;
  deleteExecution(id: string): Promise<boolean>;
  getTask(id: string): Promise<TaskRow | null>;
  listTasks(filter?: TaskFilter): Promise<TaskRecord[]>;
  getActionExecution(id: string): Promise<ActionExecutionRecord | null>;
  listActionExecutions(filter?: ActionFilter): Promise<ActionExecutionRecord[]>;
  loadUnfinished(): Promise<RecoverySet>;
  /** The same, for the given executions whatever their state (to re-open a finished one). */
  loadExecutions(ids: string[]): Promise<RecoverySet>;

  // Outbox
  readEvents(filter?: EventFilter): Promise<OutboxEvent[]>;
  ackEvents(ids: number[]): Promise<void>;

  close(): Promise<void>;
}
