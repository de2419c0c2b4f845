/**
 * Walks of an execution tree, as Mistral's API serves them:
 * - the execution report (`GET /v2/executions/{id}/report`, `execution_report.py`): the root execution with its
 *   tasks, their action executions and sub-workflow executions, recursively, plus task statistics;
 * - the sub-execution lists (`GET /v2/executions/{id}/executions`, `GET /v2/tasks/{id}/executions`,
 *   `sub_execution.py`): the executions of a tree in depth-first order.
 *
 * `errors_only` keeps only tasks in ERROR (and counts only them, as Mistral does); `max_depth` stops descending
 * below that many sub-workflow levels (negative: no limit).
 */
import type { Engine, ExecutionRecord, TaskRecord } from '../../engine/index.js';
import { time } from '../wire.js';
import { executionResource } from './serializers.js';

export interface TreeOptions {
  errorsOnly: boolean;
  maxDepth: number;
}

interface Statistics {
  total_tasks_count: number;
  running_tasks_count: number;
  success_tasks_count: number;
  error_tasks_count: number;
  idle_tasks_count: number;
  paused_tasks_count: number;
}

const COUNTER: Partial<Record<TaskRecord['state'], keyof Statistics>> = {
  RUNNING: 'running_tasks_count',
  SUCCESS: 'success_tasks_count',
  ERROR: 'error_tasks_count',
  IDLE: 'idle_tasks_count',
  PAUSED: 'paused_tasks_count',
};

type Entry = Record<string, unknown>;

export async function executionReport(
  engine: Engine,
  id: string,
  opts: TreeOptions & { statisticsOnly: boolean },
): Promise<Entry> {
  const stats: Statistics = {
    total_tasks_count: 0,
    running_tasks_count: 0,
    success_tasks_count: 0,
    error_tasks_count: 0,
    idle_tasks_count: 0,
    paused_tasks_count: 0,
  };
  const root = await reportExecution(engine, await engine.getExecution(id), stats, opts, 0);
  return opts.statisticsOnly ? { statistics: stats } : { statistics: stats, root_workflow_execution: root };
}

async function reportExecution(
  engine: Engine,
  ex: ExecutionRecord,
  stats: Statistics,
  opts: TreeOptions,
  depth: number,
): Promise<Entry> {
  const entry: Entry = {
    id: ex.id,
    name: ex.workflowName,
    state: ex.state,
    state_info: ex.stateInfo,
    created_at: time(ex.createdAt),
    updated_at: time(ex.updatedAt),
  };
  if (opts.maxDepth >= 0 && depth > opts.maxDepth) return entry;
  const tasks: Entry[] = [];
  for (const t of await engine.findTasks({ workflowExecutionId: ex.id })) {
    if (opts.errorsOnly && t.state !== 'ERROR') continue;
    tasks.push(await reportTask(engine, t, stats, opts, depth + 1));
  }
  entry.task_executions = tasks;
  return entry;
}

async function reportTask(
  engine: Engine,
  t: TaskRecord,
  stats: Statistics,
  opts: TreeOptions,
  depth: number,
): Promise<Entry> {
  stats.total_tasks_count++;
  const counter = COUNTER[t.state];
  if (counter) stats[counter]++;
  const entry: Entry = {
    id: t.id,
    name: t.name,
    type: t.type,
    state: t.state,
    state_info: t.stateInfo,
    created_at: time(t.createdAt),
    updated_at: time(t.updatedAt),
  };
  const retry = t.runtimeContext.retry_task_policy as { retry_no?: number } | undefined;
  if (retry?.retry_no !== undefined) entry.retry_count = retry.retry_no;
  entry.action_executions = (await engine.findActionExecutions({ taskExecutionId: t.id })).map((a) => ({
    id: a.id,
    name: a.name,
    state: a.state,
    state_info: a.stateInfo,
    created_at: time(a.createdAt),
    updated_at: time(a.updatedAt),
    last_heartbeat: null,
  }));
  const children: Entry[] = [];
  for (const c of await engine.listExecutions({ parentTaskId: t.id })) {
    children.push(await reportExecution(engine, c, stats, opts, depth));
  }
  entry.workflow_executions = children;
  return entry;
}

/** The executions of the tree under an execution (itself first) or under a task, depth first. */
export async function subExecutions(
  engine: Engine,
  origin: { execution: string } | { task: string },
  opts: TreeOptions & { includeOutput: boolean },
): Promise<Entry[]> {
  const out: Entry[] = [];
  const visitTask = async (t: TaskRecord, depth: number): Promise<void> => {
    if (opts.errorsOnly && t.state !== 'ERROR') return;
    for (const c of await engine.listExecutions({ parentTaskId: t.id })) await visitExecution(c, depth);
  };
  const visitExecution = async (ex: ExecutionRecord, depth: number): Promise<void> => {
    if (opts.maxDepth >= 0 && depth > opts.maxDepth) return;
    out.push(executionResource(ex, { output: opts.includeOutput }));
    for (const t of await engine.findTasks({ workflowExecutionId: ex.id })) await visitTask(t, depth + 1);
  };
  if ('execution' in origin) await visitExecution(await engine.getExecution(origin.execution), 0);
  else await visitTask(await engine.getTask(origin.task), 0);
  return out;
}
