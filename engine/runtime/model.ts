/**
 * The in-memory model of running work. The engine keeps every unfinished execution in memory (its tasks,
 * running action executions and join bookkeeping) and treats the store as the durable log of it: each change
 * to these objects is recorded in the kernel's unit of work and written by the next commit.
 */
import type { ActionDefinition } from '../../actions/index.js';
import type { Expr, ExpressionHost, TaskSpec } from '../../dsl/index.js';
import type { ExecutionRuntime } from '../../store/index.js';
import type { ActionExecutionRecord, ExecutionRecord, TaskRecord } from '../types.js';
import type { WorkflowGraph } from './graph.js';

export interface ExecRun {
  rec: ExecutionRecord;
  rt: ExecutionRuntime;
  graph: WorkflowGraph;
  tasks: Map<string, TaskRun>;
  /** The last task execution of each name: what `task(name)` sees. */
  lastByName: Map<string, TaskRun>;
  /** Join tasks waiting for (or re-armable by) inbound tasks, by name. */
  joins: Map<string, TaskRun>;
  /** Task executions not completed yet (includes WAITING joins and DELAYED tasks). */
  active: number;
  /** Execution-level work in flight (hooks) that must finish before the execution completes. */
  busy: number;
  /** Reverse workflows: the tasks still to run, and which are done. */
  reverse?: { needed: Set<string>; done: Set<string> };
  seq: number;
  /** Task executions this execution created (those loaded by a recovery included), for the limit. */
  created: number;
  /** The size of `tasks` at which finished task executions are next swept from memory (`history.ts`). */
  sweepAt?: number;
  /** What the execution's own expressions call (`execution()`, `env()`...), made at the first evaluation. */
  host?: ExpressionHost;
}

/** with-items bookkeeping of one task execution. */
export interface ItemsState {
  /** The variables of each item (`x in <% $.xs %>` gives `{x: value}`). */
  bindings: Record<string, unknown>[];
  results: unknown[];
  finished: boolean[];
  /** Items launched (running or finished): never launched twice, even across a recovery. */
  started: boolean[];
  next: number;
  running: number;
  completed: number;
  failed: number;
  concurrency: number;
}

export type TaskPhase = 'new' | 'enter' | 'action' | 'exit' | 'done';

export interface TaskRun {
  rec: TaskRecord;
  exec: ExecRun;
  spec: TaskSpec;
  phase: TaskPhase;
  items: ItemsState | null;
  /** Action executions and child workflow executions in flight, by id. */
  running: Map<string, RunningWork>;
  /** Results of accepted runs (normally one; a re-armed join accumulates them). */
  results: unknown[];
  /** What the task's expressions call (`task()`, `env()`...), made at the first evaluation. */
  host?: ExpressionHost;
}

export interface RunningWork {
  kind: 'action' | 'workflow' | 'hook';
  index: number;
  action?: ActionRun;
}

export interface ActionRun {
  rec: ActionExecutionRecord;
  exec: ExecRun;
  task: TaskRun | null;
  def: ActionDefinition;
  input: Record<string, unknown>;
  /** Ad-hoc `output` transformations to apply to the base result, innermost first. */
  outputs: Expr[];
  abort: AbortController | null;
}

/** A unit of engine work, run inside the kernel's batch. */
export type Work = () => void;

/** A fresh in-memory execution around its record and runtime (new, or loaded by recovery). */
export function newExecRun(
  rec: ExecutionRecord,
  rt: ExecutionRuntime,
  graph: WorkflowGraph,
  seq: number,
): ExecRun {
  return {
    rec,
    rt,
    graph,
    tasks: new Map(),
    lastByName: new Map(),
    joins: new Map(),
    active: 0,
    busy: 0,
    seq,
    created: 0,
  };
}
