/**
 * The life of one task execution, in Mistral's order:
 *   created (or WAITING for a join) -> RUNNING -> pause-before -> wait-before -> on-enter hooks -> action(s)
 *   -> retry / continue-on -> fail-on -> publish -> wait-after -> on-exit hooks -> transitions.
 * Each step that waits (a timer, an action, a hook, a resume) returns, and the matching event resumes the flow
 * where `runtimeContext` says it stopped, so the same code path serves a live run and a recovered one.
 */
import { newTimeId, toError } from '../../common/index.js';
import { truthy, type TaskSpec } from '../../dsl/index.js';
import type { TaskRecord } from '../types.js';
import { assignData, evalFor, taskResult } from './dataflow.js';
import { boundTaskHistory } from './history.js';
import type { ExecRun, TaskRun } from './model.js';
import type { Runtime } from './runtime.js';
import type { TimerKind } from './timers.js';
import { completionError, describeError, policyTypeError, runTaskError, taskLimitError } from './errors.js';

type Rc = Record<string, unknown>;

/** The numeric policies checked before a task starts: Mistral's policy, its property, where the spec holds it. */
const POLICY_CHECKS: readonly [string, string, (s: TaskSpec) => unknown][] = [
  ['WaitBeforePolicy', 'delay', (s) => s.waitBefore],
  ['WaitAfterPolicy', 'delay', (s) => s.waitAfter],
  ['TimeoutPolicy', 'delay', (s) => s.timeout],
  ['RetryPolicy', 'count', (s) => s.retry?.count],
  ['RetryPolicy', 'delay', (s) => s.retry?.delay],
  ['ConcurrencyPolicy', 'concurrency', (s) => s.concurrency],
];

export interface Outcome {
  ok: boolean;
  value: unknown;
  /**
   * Retries do not apply: a timeout (Mistral: "retry doesn't work after the timeout policy is triggered") or an
   * on-enter hook failure (the action never ran).
   */
  noRetry?: boolean;
  stateInfo?: string;
}

export class TaskFlow {
  constructor(private readonly rt: Runtime) {}

  create(e: ExecRun, spec: TaskSpec, inContext: Record<string, unknown>): TaskRun {
    const max = this.rt.maxTasksPerExecution;
    if (max > 0 && e.created >= max) throw new Error(taskLimitError(max));
    e.created++;
    const now = this.rt.clock.now();
    const rec: TaskRecord = {
      id: newTimeId(),
      name: spec.name,
      workflowExecutionId: e.rec.id,
      workflowName: e.rec.workflowName,
      workflowId: e.rec.workflowId,
      workflowNamespace: e.rec.workflowNamespace,
      state: 'NEW' as TaskRecord['state'],
      stateInfo: null,
      type: spec.kind === 'workflow' ? 'WORKFLOW' : 'ACTION',
      inContext,
      published: {},
      result: null,
      runtimeContext: {},
      processed: false,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
    };
    const t: TaskRun = {
      rec,
      exec: e,
      spec,
      phase: 'new',
      items: null,
      running: new Map(),
      results: [],
    };
    e.tasks.set(rec.id, t);
    e.lastByName.set(spec.name, t);
    this.rt.liveTasks.set(rec.id, t);
    boundTaskHistory(e, this.rt);
    return t;
  }

  /** A policy's number (seconds, a count): an int or an expression; anything not positive is 0. */
  number(t: TaskRun, expr: unknown): number {
    if (expr === undefined || expr === null || expr === false) return 0;
    const v = Number(evalFor(t.exec, t, expr, t.rec.inContext));
    return Number.isFinite(v) && v > 0 ? v : 0;
  }

  /**
   * Evaluates the task's numeric policies before it starts and refuses values of the wrong type or range, as
   * Mistral's policy schemas do (`Invalid data type in RetryPolicy: ...`): the task then fails to run.
   */
  private checkPolicies(t: TaskRun): void {
    // A table made once: this runs for every task, most of which have no policy at all.
    for (const [policy, property, of] of POLICY_CHECKS) {
      const expr = of(t.spec);
      if (expr === undefined || expr === null || expr === false) continue;
      const v = evalFor(t.exec, t, expr, t.rec.inContext);
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new Error(policyTypeError(policy, property, v));
      }
    }
  }

  flag(t: TaskRun, expr: unknown): boolean {
    if (expr === undefined || expr === null) return false;
    return truthy(evalFor(t.exec, t, expr, t.rec.inContext));
  }

  /** Starts a created (NEW) or WAITING task. */
  start(t: TaskRun): void {
    this.rt.transitions.task(t, t.rec.state === 'WAITING' ? 'RUN' : 'START');
    this.proceed(t);
  }

  /** Runs the pre-action policies not done yet, then the action. */
  proceed(t: TaskRun): void {
    const rc = t.rec.runtimeContext as Rc;
    try {
      if (!rc.pause_before_done) this.checkPolicies(t);
      if (!rc.pause_before_done) {
        rc.pause_before_done = true;
        if (this.flag(t, t.spec.pauseBefore)) {
          this.rt.transitions.task(t, 'HOLD', "Set by 'pause-before' policy");
          this.rt.workflows.pauseBy(t.exec);
          return;
        }
      }
      if (!rc.wait_before_done) {
        rc.wait_before_done = true;
        const delay = this.number(t, t.spec.waitBefore);
        if (delay > 0) {
          this.rt.transitions.task(t, 'DELAY');
          this.rt.timers.arm(t, 'wait-before', delay);
          return;
        }
      }
    } catch (err) {
      this.failToStart(t, err);
      return;
    }
    if (t.spec.onEnter.length && !rc.enter_done) {
      this.rt.hooks.runTask(t, 'enter');
      return;
    }
    this.runAction(t);
  }

  /** on-enter hooks finished. */
  afterEnterHooks(t: TaskRun, failure: string | null): void {
    (t.rec.runtimeContext as Rc).enter_done = true;
    if (failure) this.complete(t, { ok: false, value: failure, stateInfo: failure, noRetry: true });
    else this.runAction(t);
  }

  runAction(t: TaskRun): void {
    t.phase = 'action';
    // What recovery tells this run's sub-workflows by (those of an earlier retry or re-run stay behind).
    (t.rec.runtimeContext as Rc).run_started_at = this.rt.clock.now();
    this.rt.markTask(t);
    try {
      this.rt.items.begin(t);
      const timeout = this.number(t, t.spec.timeout);
      if (timeout > 0 && t.phase === 'action')
        this.rt.timers.arm(t, 'timeout', timeout, { seconds: timeout });
    } catch (err) {
      this.failToStart(t, err);
    }
  }

  /**
   * The task could not start (its input or action did not resolve). As in Mistral, the workflow fails at once:
   * on-error and publish-on-error do not apply.
   */
  failToStart(t: TaskRun, err: unknown): void {
    this.failHard(t, runTaskError(t, toError(err).message));
  }

  /**
   * The task's action finished but handling its completion failed (publish, a transition guard): as in Mistral,
   * the task and the workflow fail at once, and no transition (on-error included) is taken.
   */
  failCompletion(t: TaskRun, err: unknown): void {
    this.failHard(t, completionError(t, toError(err).message));
  }

  private failHard(t: TaskRun, msg: string): void {
    this.rt.items.abortAll(t, msg);
    this.rt.timers.clearAll(t);
    t.phase = 'done';
    t.rec.processed = true;
    (t.rec.runtimeContext as Rc).error_handled = false;
    if (t.rec.state === 'ERROR') t.rec.stateInfo = msg;
    else this.rt.transitions.task(t, 'FAIL', msg);
    this.rt.markTask(t);
    this.rt.workflows.fail(t.exec, msg);
  }

  /** All action runs (or items) of the task finished. */
  complete(t: TaskRun, out: Outcome): void {
    if (t.phase !== 'action' && t.phase !== 'new' && t.phase !== 'enter') return;
    this.rt.timers.clear(t, 'timeout');
    if (!t.items) {
      if ((t.rec.runtimeContext as Rc).join_rerun) t.results.push(out.value);
      else t.results = [out.value];
    }
    const rc = t.rec.runtimeContext as Rc;
    let ok = out.ok;
    let stateInfo = ok ? null : (out.stateInfo ?? describeError(out.value));
    try {
      if (t.spec.retry && !out.noRetry && this.retry(t, ok, stateInfo)) return;
      if (ok && t.spec.failOn !== undefined && this.flag(t, t.spec.failOn)) {
        this.rt.transitions.task(t, 'SUCCEED');
        ok = false;
        rc.failed_on = true;
        stateInfo = "Failed by 'fail-on' policy";
      }
    } catch (err) {
      ok = false;
      stateInfo = toError(err).message;
    }
    this.finish(t, ok, stateInfo);
  }

  /** Returns true when a retry was scheduled (Mistral's RetryPolicy.after_task_complete). */
  private retry(t: TaskRun, ok: boolean, stateInfo: string | null): boolean {
    const spec = t.spec.retry!;
    const rc = t.rec.runtimeContext as Rc;
    const policy = (rc.retry_task_policy ?? {}) as { retry_no?: number };
    const retryNo = policy.retry_no ?? 0;
    const count = this.number(t, spec.count);
    if (retryNo >= count) return false;
    if (!ok) {
      if (spec.breakOn !== undefined && this.flag(t, spec.breakOn)) return false;
    } else if (spec.continueOn === undefined || !this.flag(t, spec.continueOn)) {
      return false;
    }
    this.rt.transitions.task(t, ok ? 'SUCCEED' : 'FAIL', ok ? null : stateInfo);
    this.rt.transitions.task(t, 'DELAY');
    rc.retry_task_policy = { retry_no: retryNo + 1 };
    this.rt.timers.arm(t, 'retry', this.number(t, spec.delay));
    return true;
  }

  /** Sets the final state, publishes, then wait-after and on-exit hooks, then transitions. */
  private finish(t: TaskRun, ok: boolean, stateInfo: string | null): void {
    const rc = t.rec.runtimeContext as Rc;
    if (t.rec.state !== (ok ? 'SUCCESS' : 'ERROR')) {
      this.rt.transitions.task(t, ok ? 'SUCCEED' : 'FAIL', ok ? null : stateInfo);
    } else if (!ok) {
      t.rec.stateInfo = stateInfo;
    }
    if (!ok) t.exec.rt.lastError = stateInfo;
    try {
      this.publish(t, ok || rc.failed_on === true);
      // Decided with the publish (an expression that fails fails the task like a bad publish), applied once the
      // task is done; remembered across a restart.
      if (t.spec.keepResult !== true && !this.flag(t, t.spec.keepResult)) rc.drop_result = true;
    } catch (err) {
      t.rec.result = taskResult(t);
      this.failCompletion(t, err);
      return;
    }
    t.rec.result = taskResult(t);
    if (!rc.wait_after_done) {
      rc.wait_after_done = true;
      let delay = 0;
      try {
        delay = this.number(t, t.spec.waitAfter);
      } catch {
        delay = 0;
      }
      if (delay > 0) {
        const final = t.rec.state === 'SUCCESS';
        this.rt.transitions.task(t, 'DELAY');
        this.rt.timers.arm(t, 'wait-after', delay, { ok: final });
        return;
      }
    }
    this.afterWaitAfter(t);
  }

  private publish(t: TaskRun, normal: boolean): void {
    const spec = t.spec;
    const branch = normal ? spec.publish : spec.publishOnError;
    const global = normal ? spec.publishGlobal : spec.publishOnErrorGlobal;
    if (branch) t.rec.published = evalFor(t.exec, t, branch, t.rec.inContext) as Record<string, unknown>;
    if (global) {
      const g = evalFor(t.exec, t, global, t.rec.inContext) as Record<string, unknown>;
      assignData(t.exec.rec.publishedGlobal, g);
      this.rt.markExec(t.exec);
    }
  }

  private afterWaitAfter(t: TaskRun): void {
    if (t.spec.onExit.length && !(t.rec.runtimeContext as Rc).exit_done) {
      this.rt.hooks.runTask(t, 'exit');
      return;
    }
    this.done(t);
  }

  afterExitHooks(t: TaskRun): void {
    (t.rec.runtimeContext as Rc).exit_done = true;
    this.done(t);
  }

  private done(t: TaskRun): void {
    t.phase = 'done';
    this.rt.markTask(t);
    this.rt.workflows.onTaskComplete(t);
    if ((t.rec.runtimeContext as Rc).drop_result === true) this.dropResult(t);
  }

  /**
   * `keep-result: false` (Mistral's `destroy_task_result`): once the task's publish and transitions have used
   * its result, the outputs of its action executions and child workflows become `{}` in the store, and the
   * task's result (what `task(name).result` and the API show) is null, or a list of nulls for with-items.
   */
  private dropResult(t: TaskRun): void {
    if (t.items) t.items.results = t.items.results.map(() => null);
    t.results = t.results.map(() => null);
    t.rec.result = taskResult(t);
    this.rt.kernel.uow.resultsDropped.add(t.rec.id);
  }

  onTimer(t: TaskRun, kind: TimerKind, payload: Record<string, unknown>): void {
    switch (kind) {
      case 'wait-before':
        if (t.rec.state !== 'DELAYED') return;
        this.rt.transitions.task(t, 'RUN');
        this.proceed(t);
        return;
      case 'retry':
        if (t.rec.state !== 'DELAYED') return;
        this.rt.transitions.task(t, 'RUN');
        this.runAction(t);
        return;
      case 'wait-after':
        if (t.rec.state !== 'DELAYED') return;
        this.rt.transitions.task(t, payload.ok ? 'SUCCEED' : 'FAIL');
        this.afterWaitAfter(t);
        return;
      case 'timeout': {
        if (t.phase !== 'action' || t.rec.state !== 'RUNNING') return;
        const msg = `Task timed out [timeout=${String(payload.seconds)}s]`;
        this.rt.items.abortAll(t, msg);
        this.complete(t, { ok: false, value: msg, noRetry: true, stateInfo: msg });
        return;
      }
    }
  }

  /** A task held by pause-before, resumed with its workflow. */
  resumeHeld(t: TaskRun): void {
    this.rt.transitions.task(t, 'RUN');
    this.proceed(t);
  }

  /** Cancels a task that is not running an action (held, delayed or waiting). */
  cancelIdle(t: TaskRun, msg: string): void {
    if (!['IDLE', 'DELAYED', 'WAITING'].includes(t.rec.state)) return;
    this.rt.timers.clearAll(t);
    t.phase = 'done';
    this.rt.transitions.task(t, 'CANCEL', msg);
  }
}
