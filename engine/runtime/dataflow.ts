/**
 * Data flow (Mistral's `data_flow.py`): what `$` is for a task, what `task()`, `execution()`, `env()` and
 * `global()` answer, and how published variables move along transitions.
 *
 * A task sees the outbound context of the task that triggered it (its input context plus what it published);
 * the first tasks see the workflow's input (with defaults) and `vars`. Published variables therefore follow
 * branches, and a variable published on one branch is not visible on a parallel one.
 */
import { mistralTime } from '../../common/index.js';
import { evaluate, type ExpressionHost, type WorkflowSpec } from '../../dsl/index.js';
import { isCompletedTask } from '../states.js';
import type { ExecRun, TaskRun } from './model.js';

/** `task().result`: the with-items list, the single result, or every result of a re-armed join. */
export function taskResult(t: TaskRun): unknown {
  if (t.items) return t.items.results;
  if (t.results.length > 1) return t.results;
  return t.results[0] ?? null;
}

/**
 * `Object.assign` for published data: every key, `__proto__` included, becomes an own property of `target`
 * (`Object.assign` would call the `__proto__` setter, silently dropping a variable Mistral keeps).
 */
export function assignData(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) {
    Object.defineProperty(target, key, {
      value: source[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
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

/**
 * `execution().params` as Mistral keeps them: `namespace` always there (`''` by default) and `env` the resolved
 * environment (`{}` when none was given).
 */
export function executionView(e: ExecRun): Record<string, unknown> {
  const r = e.rec;
  return {
    id: r.id,
    name: r.workflowName,
    spec: specView(e.graph.spec),
    input: r.input,
    params: { namespace: '', ...r.params, env: e.rt.env ?? {} },
    state: r.state,
    created_at: mistralTime(r.createdAt),
    updated_at: mistralTime(r.updatedAt),
    root_execution_id: r.rootExecutionId,
  };
}

const specViews = new WeakMap<WorkflowSpec, Record<string, unknown>>();

/**
 * `execution().spec`: the workflow's definition as a dictionary, the way Mistral's spec `to_dict()` gives it
 * (its short `name`, `version`, `type`, input, output, and each task with its name and what it runs).
 */
function specView(spec: WorkflowSpec): Record<string, unknown> {
  let view = specViews.get(spec);
  if (view) return view;
  const tasks: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(spec.tasks)) {
    const task: Record<string, unknown> = { name, version: '2.0', type: spec.type, [t.kind]: t.target };
    const input = t.input ?? (Object.keys(t.inlineInput).length ? t.inlineInput : undefined);
    if (input !== undefined) task.input = input;
    if (t.publish) task.publish = t.publish;
    if (t.requires.length) task.requires = t.requires;
    tasks[name] = task;
  }
  view = { name: spec.shortName, version: '2.0', type: spec.type, tasks };
  if (spec.description !== undefined) view.description = spec.description;
  if (spec.input.length) {
    view.input = spec.input.map((p) => (p.hasDefault ? { [p.name]: p.default ?? null } : p.name));
  }
  if (spec.output !== undefined) view.output = spec.output;
  if (spec.outputOnError !== undefined) view['output-on-error'] = spec.outputOnError;
  if (Object.keys(spec.vars).length) view.vars = spec.vars;
  specViews.set(spec, view);
  return view;
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
  // The host's closures depend only on the execution and the task: made once for each, not for every one of the
  // several evaluations of a step.
  let host: ExpressionHost;
  if (current === null) host = e.host ??= hostFor(e, null);
  else if (current.exec === e) host = current.host ??= hostFor(e, current);
  else host = hostFor(e, current);
  return evaluate(expr, { data, host });
}

/**
 * Mistral's final context: the outbound contexts of the end tasks (completed task executions that led to no
 * further task), merged in creation order. `inherited: false` leaves out what the tasks only inherited from the
 * input and `vars` (Mistral keeps those outside task contexts): that is the output of a workflow without an
 * `output` clause.
 */
export function endContext(e: ExecRun, inherited = true): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const initial = e.rt.initialContext;
  for (const t of e.tasks.values()) {
    if (!isCompletedTask(t.rec.state) || t.rec.runtimeContext.has_next === true) continue;
    const ctx = outboundContext(t);
    const keep = Object.keys(ctx).filter(
      (k) =>
        inherited || !Object.hasOwn(initial, k) || initial[k] !== ctx[k] || Object.hasOwn(t.rec.published, k),
    );
    assignData(out, Object.fromEntries(keep.map((k) => [k, ctx[k]])));
  }
  return out;
}

/** The context an execution's output is evaluated in: its input and `vars` under the final context. */
export function finalContext(e: ExecRun): Record<string, unknown> {
  return { ...e.rt.initialContext, ...endContext(e) };
}
