/**
 * on-enter / on-exit hooks (Tramontane's extension, from the original Mistral listener design). A hook is an
 * action call, optionally guarded; each run is recorded as an action execution (`kind: hook`) of its task, or
 * of the execution for workflow hooks. Hooks of one list run one after the other.
 *
 * - on-enter runs before the task's action (after pause-before and wait-before) and is awaited: if a hook fails,
 *   the task fails without running its action. A workflow's on-enter failure fails the execution.
 * - on-exit runs once the task reached its final state (after wait-after), before its transitions; its failure
 *   is recorded but never changes the outcome. A workflow's on-exit runs once the execution is terminal.
 * - Hook input and guards see the task's context plus `$.execution` ({id, name, state, error}: `error` is the
 *   last task error of the execution) and `$.task` (the current task, as `task()` describes it).
 */
import { toError } from '../../common/index.js';
import { truthy, type HookSpec } from '../../dsl/index.js';
import { evalFor, outboundContext, taskView } from './dataflow.js';
import { describeError } from './errors.js';
import type { ActionRun, ExecRun, TaskRun } from './model.js';
import { prepareAction } from './resolve.js';
import type { Runtime } from './runtime.js';

type Which = 'enter' | 'exit';
interface HookProgress {
  which: Which;
  index: number;
}

export class Hooks {
  constructor(private readonly rt: Runtime) {}

  runTask(t: TaskRun, which: Which): void {
    if (which === 'enter') t.phase = 'enter';
    else t.phase = 'exit';
    t.exec.busy++;
    t.rec.runtimeContext.hooks = { which, index: 0 } satisfies HookProgress;
    this.next(t.exec, t);
  }

  runExecution(e: ExecRun, which: Which): void {
    e.busy++;
    e.rt.hooks = { which, index: 0 } satisfies HookProgress;
    this.next(e, null);
  }

  /** Recovery: re-runs the hook list from the recorded position. */
  resumeTask(t: TaskRun): void {
    t.exec.busy++;
    this.next(t.exec, t);
  }

  resumeExecution(e: ExecRun): void {
    e.busy++;
    this.next(e, null);
  }

  private progress(e: ExecRun, t: TaskRun | null): HookProgress {
    return (t ? t.rec.runtimeContext.hooks : e.rt.hooks) as HookProgress;
  }

  private list(e: ExecRun, t: TaskRun | null, which: Which): HookSpec[] {
    const owner = t ? t.spec : e.graph.spec;
    return which === 'enter' ? owner.onEnter : owner.onExit;
  }

  private data(e: ExecRun, t: TaskRun | null): Record<string, unknown> {
    const base = t ? (t.phase === 'exit' ? outboundContext(t) : t.rec.inContext) : e.rt.initialContext;
    return {
      ...base,
      execution: {
        id: e.rec.id,
        name: e.rec.workflowName,
        state: e.rec.state,
        error: e.rt.lastError ?? null,
      },
      task: t ? taskView(t) : null,
    };
  }

  private next(e: ExecRun, t: TaskRun | null): void {
    const p = this.progress(e, t);
    const hooks = this.list(e, t, p.which);
    while (p.index < hooks.length) {
      const h = hooks[p.index] as HookSpec;
      const data = this.data(e, t);
      try {
        if (h.guard !== undefined && !truthy(evalFor(e, t, h.guard, data))) {
          p.index++;
          continue;
        }
        const input = evalFor(e, t, h.input, data) as Record<string, unknown>;
        const prepared = prepareAction(
          this.rt.defs,
          this.rt.registry,
          h.action,
          input,
          e.graph.spec.workbook,
          (x, d) => evalFor(e, t, x, d),
          e.rec.workflowNamespace,
        );
        const ar = this.rt.items.createActionRun(e, t, prepared.name, prepared.input, 'hook', p.index);
        ar.def = prepared.def;
        ar.outputs = prepared.outputs;
        if (t) t.running.set(ar.rec.id, { kind: 'hook', index: p.index, action: ar });
        this.rt.items.runSoon(ar);
        return;
      } catch (err) {
        const msg = `${p.which === 'enter' ? 'on-enter' : 'on-exit'} hook '${h.action}' failed: ${toError(err).message}`;
        if (p.which === 'enter') return this.done(e, t, msg);
        this.rt.logger.warn({ execution: e.rec.id, task: t?.rec.id }, msg);
        p.index++;
      }
    }
    this.done(e, t, null);
  }

  /** A hook's action execution finished. */
  finished(ar: ActionRun, ok: boolean, value: unknown): void {
    const e = ar.exec;
    const t = ar.task;
    if (t) t.running.delete(ar.rec.id);
    const p = this.progress(e, t);
    if (!ok && p.which === 'enter') {
      return this.done(e, t, `on-enter hook '${ar.rec.name}' failed: ${describeError(value)}`);
    }
    p.index++;
    this.next(e, t);
  }

  private done(e: ExecRun, t: TaskRun | null, failure: string | null): void {
    const p = this.progress(e, t);
    e.busy--;
    if (t) {
      this.rt.markTask(t);
      if (p.which === 'enter') this.rt.tasks.afterEnterHooks(t, failure);
      else this.rt.tasks.afterExitHooks(t);
    } else {
      this.rt.markExec(e);
      if (p.which === 'enter') this.rt.workflows.afterEnterHooks(e, failure);
      else this.rt.workflows.afterExitHooks(e);
    }
  }
}
