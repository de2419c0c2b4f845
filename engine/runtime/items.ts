/**
 * The work a task runs: one action execution, one child workflow execution, or, with `with-items`, one per
 * item, started as child actors bounded by `concurrency` (a counter, not a region per item, so the cost stays
 * linear in the number of items). Results are kept by item index, so the task result is ordered even when
 * items finish out of order.
 *
 * Actions start only after the commit that recorded them RUNNING (a side effect of the unit of work); their
 * outcome comes back as new work. Cheap synchronous actions skip the promise machinery entirely.
 */
import { TramError, VALUE_LIMITS, newTimeId, toError, valueProblem } from '../../common/index.js';
import { runAction, type ActionContext, type ActionOutcome } from '../../actions/index.js';
import type { ActionExecutionRecord, CompleteActionRequest, ExecutionRecord } from '../types.js';
import { evalFor } from './dataflow.js';
import { describeError } from './errors.js';
import { isPlainObject } from './inputs.js';
import type { ActionRun, ExecRun, ItemsState, TaskRun } from './model.js';
import { prepareAction, type PreparedAction } from './resolve.js';
import type { Runtime } from './runtime.js';

/**
 * Bounds on a with-items task's result, the list of its items' results. Each result is bounded on its own (16
 * MiB, `actions/run.ts`), but sixty results of 9 MB made a task record longer than a JavaScript string can be:
 * its commit failed, was retried as if the database were down, and the server stopped, then again after each
 * restart, recovering the same items. Past this size the task fails instead; a record carrying the result twice
 * (as the result and published) still fits.
 */
const ITEMS_RESULT_LIMITS = Object.freeze({
  maxDepth: VALUE_LIMITS.maxDepth + 1,
  maxBytes: 128 * 1024 * 1024,
});

export type PreparedItem =
  | { kind: 'workflow'; target: string; input: Record<string, unknown>; index: number }
  | { kind: 'action'; action: PreparedAction; index: number };

function isPromise(v: unknown): v is Promise<ActionOutcome> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/** A finished item's outcome in the task's with-items state (live, or rebuilt by recovery). */
export function recordItem(it: ItemsState, index: number, ok: boolean, value: unknown): void {
  it.started[index] = true;
  it.finished[index] = true;
  it.results[index] = value;
  if (ok) it.completed++;
  else it.failed++;
}

/** What a finished sub-workflow gives the task item that ran it: its output, or why it failed. */
export function childOutcome(child: ExecutionRecord): { ok: boolean; value: unknown } {
  const ok = child.state === 'SUCCESS';
  return { ok, value: ok ? child.output : (child.output ?? child.stateInfo) };
}

/**
 * What an action is told about its run. A class rather than an object literal: the literal's `signal` getter was
 * a new closure and accessor for every action run, and most actions never ask for the signal.
 */
class InvokeContext implements ActionContext {
  readonly workflowExecutionId: string;
  readonly rootExecutionId: string;
  readonly taskExecutionId: string;
  readonly actionExecutionId: string;
  readonly workflowName: string;
  readonly taskName: string;
  readonly withItemsIndex: number;
  readonly callbackUrl: string | undefined;
  readonly env: Record<string, unknown>;

  constructor(
    private readonly ar: ActionRun,
    callbackBaseUrl: string | undefined,
  ) {
    const e = ar.exec.rec;
    this.workflowExecutionId = e.id;
    this.rootExecutionId = e.rootExecutionId ?? e.id;
    this.taskExecutionId = ar.task?.rec.id ?? '';
    this.actionExecutionId = ar.rec.id;
    this.workflowName = e.workflowName;
    this.taskName = ar.task?.rec.name ?? '';
    this.withItemsIndex = ar.rec.index;
    this.callbackUrl = callbackBaseUrl ? `${callbackBaseUrl}/v2/action_executions/${ar.rec.id}` : undefined;
    this.env = ar.exec.rt.env;
  }

  /** Made when the action asks for it: most never do, and one controller per action is a tenth of a step. */
  get signal(): AbortSignal {
    return (this.ar.abort ??= new AbortController()).signal;
  }
}

export class Items {
  constructor(private readonly rt: Runtime) {}

  /** Starts the task's work. Throws when the task cannot start (bad input, unknown action). */
  begin(t: TaskRun): void {
    if (!t.spec.withItems) {
      t.items = null;
      this.startOne(t, 0, null);
      return;
    }
    const it = this.itemsState(t);
    t.items = it;
    t.rec.runtimeContext.with_items = { count: it.bindings.length, concurrency: it.concurrency };
    if (it.bindings.length === 0) {
      this.rt.tasks.complete(t, { ok: true, value: [] });
      return;
    }
    this.startMore(t, it);
  }

  /** Evaluates `with-items` into per-item variables (deterministic: recovery evaluates it again). */
  itemsState(t: TaskRun): ItemsState {
    const spec = t.spec;
    const lists = (spec.withItems ?? []).map((w) => {
      const v = evalFor(t.exec, t, w.source, t.rec.inContext);
      if (!Array.isArray(v)) {
        throw new TramError(
          'INVALID_INPUT',
          `with-items '${w.variable}' must be a list, got ${describeError(v)}`,
        );
      }
      return v;
    });
    const count = lists[0]?.length ?? 0;
    if (lists.some((l) => l.length !== count)) {
      throw new TramError('INVALID_INPUT', 'with-items lists must have the same length');
    }
    const bindings: Record<string, unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const b: Record<string, unknown> = {};
      (spec.withItems ?? []).forEach((w, k) => (b[w.variable] = (lists[k] as unknown[])[i]));
      bindings.push(b);
    }
    const concurrency = spec.concurrency === undefined ? 0 : this.rt.tasks.number(t, spec.concurrency);
    return {
      bindings,
      results: new Array<unknown>(count).fill(null),
      finished: new Array<boolean>(count).fill(false),
      started: new Array<boolean>(count).fill(false),
      next: 0,
      running: 0,
      completed: 0,
      failed: 0,
      concurrency: Math.floor(concurrency),
    };
  }

  startMore(t: TaskRun, it: ItemsState): void {
    while (it.next < it.bindings.length && (it.concurrency <= 0 || it.running < it.concurrency)) {
      const i = it.next++;
      if (it.started[i]) continue; // recovered: already running or done
      it.started[i] = true;
      it.running++;
      this.startOne(t, i, it.bindings[i] ?? null);
    }
  }

  /** Evaluates what one item runs, without side effects (used again by recovery). */
  prepare(t: TaskRun, index: number, binding: Record<string, unknown> | null): PreparedItem {
    const e = t.exec;
    const data = binding ? { ...t.rec.inContext, ...binding } : t.rec.inContext;
    const inline = evalFor(e, t, t.spec.inlineInput, data) as Record<string, unknown>;
    let input: Record<string, unknown> = inline;
    if (t.spec.input !== undefined) {
      const given = evalFor(e, t, t.spec.input, data);
      if (!isPlainObject(given))
        throw new TramError('INVALID_INPUT', 'task input must evaluate to a dictionary');
      input = { ...inline, ...given };
    }
    const target = String(evalFor(e, t, t.spec.target, data));
    if (t.spec.kind === 'workflow') return { kind: 'workflow', target, input, index };
    const action = prepareAction(
      this.rt.defs,
      this.rt.registry,
      target,
      input,
      e.graph.spec.workbook,
      (x, d) => evalFor(e, t, x, d),
      // As Mistral, the namespace of the workflow's definition: a sub-workflow found in the default namespace
      // uses that namespace's ad-hoc actions, not its parent's.
      e.rec.workflowNamespace,
    );
    return { kind: 'action', action, index };
  }

  /** Starts one item: a child execution, or an action execution run after commit. */
  launch(t: TaskRun, p: PreparedItem): void {
    // What Mistral's completion errors name as the task's `action` (a sub-workflow's name for a workflow task).
    t.rec.runtimeContext.action_name = p.kind === 'workflow' ? p.target : p.action.name;
    if (p.kind === 'workflow') {
      const child = this.rt.workflows.startChild(t, p.index, p.target, p.input);
      t.running.set(child.rec.id, { kind: 'workflow', index: p.index });
      return;
    }
    const ar = this.createActionRun(t.exec, t, p.action.name, p.action.input, 'action', p.index);
    ar.def = p.action.def;
    ar.outputs = p.action.outputs;
    t.running.set(ar.rec.id, { kind: 'action', index: p.index, action: ar });
    this.runSoon(ar);
  }

  /**
   * Runs an action once the state that says it runs is durable (after the commit). An `inline` action (no
   * outside effect) runs in the same unit of work instead: re-running it after a crash is harmless, and a
   * chain of such tasks then costs one commit rather than one per step.
   */
  runSoon(ar: ActionRun): void {
    if (ar.def.inline) this.rt.kernel.enqueue(() => this.invoke(ar));
    else this.rt.kernel.uow.effects.push(() => this.invoke(ar));
  }

  private startOne(t: TaskRun, index: number, binding: Record<string, unknown> | null): void {
    this.launch(t, this.prepare(t, index, binding));
  }

  createActionRun(
    e: ExecRun,
    t: TaskRun | null,
    name: string,
    input: Record<string, unknown>,
    kind: ActionExecutionRecord['kind'],
    index: number,
  ): ActionRun {
    const now = this.rt.clock.now();
    const rec: ActionExecutionRecord = {
      id: newTimeId(),
      name,
      taskExecutionId: t?.rec.id ?? null,
      workflowExecutionId: e.rec.id,
      workflowName: e.rec.workflowName,
      workflowNamespace: e.rec.workflowNamespace,
      taskName: t?.rec.name ?? null,
      state: 'RUNNING',
      stateInfo: null,
      input,
      output: null,
      kind,
      index,
      accepted: true,
      attempt:
        ((t?.rec.runtimeContext.retry_task_policy as { retry_no?: number } | undefined)?.retry_no ?? 0) + 1,
      createdAt: now,
      updatedAt: now,
    };
    const ar: ActionRun = { rec, exec: e, task: t, def: undefined as never, input, outputs: [], abort: null };
    this.rt.liveActions.set(rec.id, ar);
    this.rt.markAction(ar);
    return ar;
  }

  /** Runs an action (after commit). Its outcome is queued as work. */
  invoke(ar: ActionRun): void {
    if (ar.rec.state !== 'RUNNING') return;
    ar.abort = null;
    const ctx = new InvokeContext(ar, this.rt.callbackBaseUrl);
    // runAction turns a throw into a failure, and a result the store could not hold (too deep) into one too.
    const out = runAction(ar.def, ar.input, ctx);
    if (isPromise(out)) {
      out.then(
        (o) => this.rt.kernel.enqueue(() => this.onOutcome(ar, o)),
        (err: unknown) =>
          this.rt.kernel.enqueue(() => this.onOutcome(ar, { ok: false, error: toError(err).message })),
      );
    } else {
      const o = out;
      this.rt.kernel.enqueue(() => this.onOutcome(ar, o));
    }
  }

  onOutcome(ar: ActionRun, out: ActionOutcome): void {
    if ('async' in out) {
      // Completed later through completeAsync; recorded so that a restart waits instead of re-running it.
      ar.rec.isAsync = true;
      this.rt.markAction(ar);
      return;
    }
    let ok = out.ok;
    let value = out.ok ? out.data : out.error;
    if (ok && ar.outputs.length && value !== null && value !== undefined) {
      try {
        for (const o of ar.outputs) value = evalFor(ar.exec, ar.task, o, value);
      } catch (err) {
        ok = false;
        value = toError(err).message;
      }
    }
    this.finishAction(ar, ok, value);
  }

  /** `PUT /v2/action_executions/{id}`: the async-action protocol. */
  completeAsync(id: string, req: CompleteActionRequest): ActionExecutionRecord {
    const ar = this.rt.liveActions.get(id);
    if (!ar || ar.rec.state !== 'RUNNING') {
      throw new TramError('INVALID_STATE', `action execution ${id} is not running`);
    }
    if (req.state === 'CANCELLED') this.finishAction(ar, false, 'Cancelled', 'CANCELLED');
    else
      this.onOutcome(
        ar,
        req.state === 'SUCCESS'
          ? { ok: true, data: req.output ?? null }
          : { ok: false, error: req.output ?? null },
      );
    return ar.rec;
  }

  finishAction(ar: ActionRun, ok: boolean, value: unknown, state?: 'CANCELLED'): void {
    if (ar.rec.state !== 'RUNNING') return; // late: timed out or cancelled meanwhile
    ar.rec.state = state ?? (ok ? 'SUCCESS' : 'ERROR');
    ar.rec.output = { result: value };
    ar.rec.stateInfo = ok ? null : describeError(value);
    ar.rec.updatedAt = this.rt.clock.now();
    this.rt.markAction(ar);
    this.rt.liveActions.delete(ar.rec.id);
    const t = ar.task;
    if (ar.rec.kind === 'hook') {
      this.rt.hooks.finished(ar, ok, value);
      return;
    }
    if (!t) return;
    const work = t.running.get(ar.rec.id);
    t.running.delete(ar.rec.id);
    if (work) this.itemFinished(t, work.index, ok, value);
  }

  /** A child workflow execution started by a task reached a terminal state. */
  childFinished(child: ExecRun): void {
    const t = child.rec.taskExecutionId ? this.rt.liveTasks.get(child.rec.taskExecutionId) : undefined;
    if (!t) return;
    const work = t.running.get(child.rec.id);
    if (!work) return;
    t.running.delete(child.rec.id);
    const { ok, value } = childOutcome(child.rec);
    this.itemFinished(t, work.index, ok, value);
  }

  itemFinished(t: TaskRun, index: number, ok: boolean, value: unknown): void {
    if (t.phase !== 'action') return;
    const it = t.items;
    if (!it) {
      this.rt.tasks.complete(t, { ok, value });
      return;
    }
    if (it.finished[index]) return; // a duplicate outcome (at-least-once): counted once
    recordItem(it, index, ok, value);
    it.running--;
    if (it.failed === 0) this.startMore(t, it);
    const allDone = it.completed + it.failed === it.bindings.length;
    if (it.running === 0 && (allDone || it.failed > 0)) this.completeItems(t, it);
  }

  /** Completes a with-items task whose items all ended (or one failed): with their results, if they fit. */
  completeItems(t: TaskRun, it: ItemsState): void {
    const tooLarge = it.failed === 0 ? valueProblem(it.results, ITEMS_RESULT_LIMITS) : undefined;
    if (tooLarge) {
      const msg = `the with-items result of task '${t.rec.name}' ${tooLarge}`;
      this.rt.tasks.complete(t, { ok: false, value: msg, stateInfo: msg });
    } else this.rt.tasks.complete(t, { ok: it.failed === 0, value: it.results });
  }

  /** Abandons the task's work in flight (timeout, cancel): late outcomes are ignored. */
  abortAll(t: TaskRun, msg: string): void {
    for (const [id, w] of t.running) {
      if (w.kind === 'hook') continue;
      t.running.delete(id);
      if (w.action) {
        const ar = w.action;
        // Made aborted if the action has not asked for its signal yet, so that it sees the abort when it does.
        (ar.abort ??= new AbortController()).abort(new Error(msg));
        ar.rec.state = 'ERROR';
        ar.rec.stateInfo = msg;
        ar.rec.output = { result: msg };
        ar.rec.updatedAt = this.rt.clock.now();
        this.rt.markAction(ar);
        this.rt.liveActions.delete(id);
      } else {
        const child = this.rt.liveExecs.get(id);
        if (child) this.rt.workflows.cancel(child, msg);
      }
    }
    if (t.items) t.items.running = 0;
  }
}
