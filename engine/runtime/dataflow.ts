/**
 * Data flow (Mistral's `data_flow.py`): what `$` is for a task, what `task()`, `execution()`, `env()` and
 * `global()` answer, and how published variables move along transitions.
 *
 * A task sees the outbound context of the task that triggered it (its input context plus what it published);
 * the first tasks see the workflow's input (with defaults) and `vars`. Published variables therefore follow
 * branches, and a variable published on one branch is not visible on a parallel one.
 */
import { mistralTime } from '../../common/index.js';
import { evaluate, type ExpressionHost } from '../../dsl/index.js';
import type { ExecRun, TaskRun } from './model.js';

/** `task().result`: the with-items list, the single result, or every result of a re-armed join. */
export function taskResult(t: TaskRun): unknown {
  if (t.items) return t.items.results;
  if (t.results.length > 1) return t.results;
  return t.results[0] ?? null;
}

export function outboundContext(t: TaskRun): Record<string, unknown> {
  return { ...t.rec.inContext, ...t.rec.published };
}

export function taskView(t: TaskRun): Record<string, unknown> {
  const r = t.rec;
  return {
    id: r.id,
    name: r.name,
    spec: {},
    state: r.state,
    state_info: r.stateInfo,
    result: taskResult(t),
    published: r.published,
    type: r.type,
    workflow_execution_id: r.workflowExecutionId,
    created_at: mistralTime(r.createdAt),
    updated_at: mistralTime(r.updatedAt),
  };
}

export function executionView(e: ExecRun): Record<string, unknown> {
  const r = e.rec;
  return {
    id: r.id,
    name: r.workflowName,
    spec: {},
    input: r.input,
    params: r.params,
    state: r.state,
    created_at: mistralTime(r.createdAt),
    updated_at: mistralTime(r.updatedAt),
    root_execution_id: r.rootExecutionId,
  };
}

export function hostFor(e: ExecRun, current: TaskRun | null): ExpressionHost {
  return {
    task(name) {
      const t = name === undefined || name === null ? current : e.lastByName.get(String(name));
      return t ? taskView(t) : null;
    },
    tasks(_wfId, _recursive, state) {
      const all = [...e.tasks.values()].filter((t) => !state || t.rec.state === state);
      return all.map(taskView);
    },
    execution: () => executionView(e),
    env: () => e.rt.env,
    global: (name) => e.rec.publishedGlobal[name] ?? null,
  };
}

/** Evaluates `expr` (any value that may contain expressions) for a task or the execution itself. */
export function evalFor(e: ExecRun, current: TaskRun | null, expr: unknown, data: unknown): unknown {
  return evaluate(expr, { data, host: hostFor(e, current) });
}

/** The context an execution's output is evaluated in: its initial context and everything published. */
export function finalContext(e: ExecRun): Record<string, unknown> {
  return { ...e.rt.initialContext, ...e.published };
}
