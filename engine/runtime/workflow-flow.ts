/**
 * The life of one workflow execution: created IDLE, RUNNING once its variables are evaluated, and complete when
 * no task is left to run; plus what the outside world asks of it (pause, resume, cancel, fail) and what its
 * tasks command (`fail`, `succeed`, `pause`). A sub-workflow is an execution whose completion finishes one item
 * of its parent task.
 */
import { InvalidStateError, TramError, newTimeId, toError } from '../../common/index.js';
import type { WorkflowSpec } from '../../dsl/index.js';
import { isCompletedTask, isTerminalWorkflow } from '../states.js';
import type { ExecutionParams, ExecutionRecord } from '../types.js';
import { endContext, evalFor, finalContext } from './dataflow.js';
import { graphOf } from './graph.js';
import { applyInputParams, isPlainObject } from './inputs.js';
import { newExecRun, type ExecRun, type TaskRun } from './model.js';
import type { Command } from './navigator.js';
import type { Runtime } from './runtime.js';
import {
  failureMessage,
  outputError,
  outputOnErrorError,
  treeSizeError,
  workflowDepthError,
} from './errors.js';

export interface CreateExecution {
  spec: WorkflowSpec;
  workflowId: string;
  /** The namespace the workflow definition lives in. */
  namespace: string;
  input: Record<string, unknown>;
  params: ExecutionParams;
  env: Record<string, unknown>;
  description?: string;
  id?: string;
  parent?: { task: TaskRun };
}

type Deferred = { kind: 'complete'; task: string } | { kind: 'commands'; commands: Command[] };

/**
 * Longest failure message an execution keeps (its `state_info` and `output.result`), as Mistral cuts it to its
 * `execution_field_size_limit_kb` (1024 by default). A parent's message quotes its failed tasks' messages, and a
 * with-items task's quotes every item's: in a tree of sub-workflows they grew tenfold a level, to 13 MB records
 * and event payloads at four levels.
 */
const MAX_FAILURE_CHARS = 1024 * 1024;

function cutFailure(msg: string): string {
  return msg.length > MAX_FAILURE_CHARS ? `${msg.slice(0, MAX_FAILURE_CHARS - 3)}...` : msg;
}

export class WorkflowFlow {
  constructor(private readonly rt: Runtime) {}

  /** Creates and launches an execution. Throws (before changing anything) when the input is invalid. */
  start(req: CreateExecution): ExecRun {
    const cls = req.spec.type === 'reverse' ? 'ReverseWorkflowSpec' : 'DirectWorkflowSpec';
    const input = applyInputParams(req.spec.input, req.input, req.spec.shortName, cls);
    const now = this.rt.clock.now();
    const parentTask = req.parent?.task ?? null;
    const parentExec = parentTask?.exec ?? null;
    const rec: ExecutionRecord = {
      id: req.id ?? newTimeId(),
      workflowName: req.spec.name,
      workflowId: req.workflowId,
      workflowNamespace: req.namespace,
      description: req.description ?? '',
      tags: [],
      params: req.params,
      input,
      output: null,
      state: 'NEW' as ExecutionRecord['state'],
      stateInfo: null,
      taskExecutionId: parentTask?.rec.id ?? null,
      parentExecutionId: parentExec?.rec.id ?? null,
      rootExecutionId: parentExec ? (parentExec.rec.rootExecutionId ?? parentExec.rec.id) : null,
      publishedGlobal: {},
      createdAt: now,
      updatedAt: now,
    };
    const e = newExecRun(
      rec,
      {
        initialContext: {},
        seq: 0,
        machine: {},
        deferred: [],
        spec: req.spec,
        env: req.env,
        lastError: null,
      },
      graphOf(req.spec),
      0,
    );
    this.rt.holdExec(e);
    this.rt.transitions.execution(e, 'CREATE');
    // A sub-workflow launches in a work item of its own: a workflow that starts copies of itself would otherwise
    // recurse inside one step, past the stack (a half-built tree, parents never told) and without ever letting
    // the event loop answer a request.
    if (parentTask) this.rt.kernel.enqueue(() => this.launchCreated(e));
    else this.launch(e);
    return e;
  }

  /** Starts a sub-workflow for one item of a task. */
  startChild(t: TaskRun, index: number, name: string, input: Record<string, unknown>): ExecRun {
    this.checkTreeLimits(t, name);
    const p = t.exec.rec.params;
    const row = this.rt.defs.workflow(name, t.exec.graph.spec.workbook, p.namespace ?? '');
    // Mistral's words: uploads accept unknown sub-workflows, so this is where a missing one shows up.
    if (!row) {
      throw new TramError(
        'NOT_FOUND',
        `Failed to find workflow [name=${name}] [namespace=${p.namespace ?? ''}]`,
      );
    }
    const params: ExecutionParams = { task_execution_id: t.rec.id, index };
    if (p.env !== undefined) params.env = p.env;
    if (p.notify !== undefined) params.notify = p.notify;
    if (p.namespace !== undefined) params.namespace = p.namespace;
    // Parameters that are not inputs of the sub-workflow are its params, as in Mistral (`task_name` runs a
    // reverse sub-workflow up to that task).
    const declared = new Set(row.spec.input.map((i) => i.name));
    const own: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      if (declared.has(k)) own[k] = v;
      else params[k] = v;
    }
    return this.start({
      spec: row.spec,
      workflowId: row.id,
      namespace: row.namespace,
      input: own,
      params,
      env: t.exec.rt.env,
      parent: { task: t },
    });
  }

  /** Launches a sub-workflow created IDLE (by `start`, or found IDLE by a recovery), unless it was stopped since. */
  launchCreated(e: ExecRun): void {
    if (e.rec.state !== 'IDLE' || this.rt.liveExecs.get(e.rec.id) !== e) return;
    this.launch(e);
    const parentTask = e.rec.taskExecutionId ? this.rt.liveTasks.get(e.rec.taskExecutionId) : undefined;
    // Its parent paused meanwhile (pausing a tree pauses only the running executions in it).
    if (parentTask?.exec.rec.state === 'PAUSED' && (e.rec.state as string) === 'RUNNING') this.pause(e);
  }

  /** Refuses a sub-workflow past the depth or the size allowed to one tree of executions. */
  private checkTreeLimits(t: TaskRun, name: string): void {
    const maxDepth = this.rt.maxWorkflowDepth;
    if (maxDepth > 0) {
      let depth = 1;
      for (let x: ExecRun | undefined = t.exec; x?.rec.taskExecutionId; depth++) {
        x = this.rt.liveTasks.get(x.rec.taskExecutionId)?.exec;
      }
      if (depth > maxDepth) throw new Error(workflowDepthError(name, maxDepth));
    }
    const maxTree = this.rt.maxExecutionsPerTree;
    const root = t.exec.rec.rootExecutionId ?? t.exec.rec.id;
    if (maxTree > 0 && (this.rt.treeSizes.get(root) ?? 0) >= maxTree) {
      throw new Error(treeSizeError(name, maxTree));
    }
  }

  private launch(e: ExecRun): void {
    try {
      const vars = evalFor(e, null, e.graph.spec.vars, e.rec.input);
      e.rt.initialContext = { ...e.rec.input, ...(isPlainObject(vars) ? vars : {}) };
    } catch (err) {
      this.rt.transitions.execution(e, 'START');
      this.fail(e, toError(err).message);
      return;
    }
    this.rt.transitions.execution(e, 'START');
    if (e.graph.spec.onEnter.length) this.rt.hooks.runExecution(e, 'enter');
    else this.launchTasks(e);
  }

  afterEnterHooks(e: ExecRun, failure: string | null): void {
    if (failure) this.fail(e, failure);
    else this.launchTasks(e);
  }

  private launchTasks(e: ExecRun): void {
    try {
      this.rt.navigator.launch(e);
    } catch (err) {
      this.fail(e, toError(err).message);
      return;
    }
    this.checkCompletion(e);
  }

  onTaskComplete(t: TaskRun): void {
    const e = t.exec;
    if (isTerminalWorkflow(e.rec.state)) {
      this.forgetIfDone(e);
      return;
    }
    if (e.rec.state === 'PAUSED') {
      e.rt.deferred.push({ kind: 'complete', task: t.rec.id } satisfies Deferred);
      this.rt.markExec(e);
      return;
    }
    try {
      this.rt.navigator.onTaskComplete(t);
    } catch (err) {
      // A transition guard (or the next task's creation) failed: Mistral fails the task and the workflow.
      this.rt.tasks.failCompletion(t, err);
      return;
    }
    this.checkCompletion(e);
  }

  /** Runs navigation commands in order until the execution stops running (pause defers the rest). */
  run(e: ExecRun, commands: Command[]): void {
    for (let i = 0; i < commands.length; i++) {
      const c = commands[i] as Command;
      if (e.rec.state === 'PAUSED') {
        e.rt.deferred.push({ kind: 'commands', commands: commands.slice(i) } satisfies Deferred);
        this.rt.markExec(e);
        return;
      }
      if (e.rec.state !== 'RUNNING') return;
      switch (c.kind) {
        case 'task': {
          // Not an end task any more: its context leaves the workflow's final context (dataflow.endContext).
          const from = e.tasks.get(c.from);
          if (from) from.rec.runtimeContext.has_next = true;
          this.rt.navigator.scheduleFrom(e, c.task, c.from);
          break;
        }
        case 'fail':
          this.fail(e, c.msg); // Mistral: no message, no state_info (and a null output.result)
          return;
        case 'succeed':
          this.succeed(e, c.msg);
          return;
        case 'pause':
          this.pauseBy(e, c.msg);
          break;
        case 'noop':
          break;
      }
    }
  }

  checkCompletion(e: ExecRun): void {
    if (e.rec.state !== 'RUNNING' || e.busy > 0 || e.rt.deferred.length) return;
    const waiting = [...e.joins.values()].filter((j) => j.rec.state === 'WAITING');
    if (e.active > waiting.length) return;
    for (const j of waiting) {
      const joined = new Set((j.rec.runtimeContext.joined as string[] | undefined) ?? []);
      const missing = (e.graph.inbound.get(j.rec.name) ?? []).filter((n) => !joined.has(n));
      j.phase = 'done';
      j.rec.processed = true;
      this.rt.transitions.task(j, 'FAIL', `Failed by tasks: [${missing.join(', ')}]`);
    }
    const errors = [...e.tasks.values()].filter(
      (t) => t.rec.state === 'ERROR' && !t.rec.runtimeContext.error_handled,
    );
    if (errors.length) this.fail(e, failureMessage(errors));
    else this.succeed(e, null);
  }

  succeed(e: ExecRun, msg: string | null): void {
    if (isTerminalWorkflow(e.rec.state)) return;
    let output: unknown;
    try {
      const spec = e.graph.spec;
      output =
        spec.output !== undefined ? evalFor(e, null, spec.output, finalContext(e)) : endContext(e, false);
    } catch (err) {
      this.fail(e, outputError(e, toError(err).message));
      return;
    }
    e.rec.output = output;
    this.rt.transitions.execution(e, 'SUCCEED', msg);
    this.finalize(e);
  }

  fail(e: ExecRun, failure: string | null): void {
    if (isTerminalWorkflow(e.rec.state)) return;
    let msg = failure === null ? null : cutFailure(failure);
    let extra: unknown = {};
    const spec = e.graph.spec;
    try {
      extra =
        spec.outputOnError !== undefined
          ? evalFor(e, null, spec.outputOnError, finalContext(e))
          : endContext(e, false);
    } catch (err) {
      msg = outputOnErrorError(spec.outputOnError, toError(err).message, failure ?? '');
      extra = {};
    }
    e.rec.output = { result: msg, ...(isPlainObject(extra) ? extra : {}) };
    this.rt.transitions.execution(e, 'FAIL', msg);
    this.finalize(e);
  }

  cancel(e: ExecRun, msg: string | null): void {
    if (isTerminalWorkflow(e.rec.state)) return;
    e.rec.output = { result: msg };
    this.rt.transitions.execution(e, 'CANCEL', msg);
    this.finalize(e);
  }

  private finalize(e: ExecRun): void {
    e.rt.deferred = [];
    for (const t of e.tasks.values()) {
      if (['IDLE', 'DELAYED', 'WAITING'].includes(t.rec.state))
        this.rt.tasks.cancelIdle(t, e.rec.stateInfo ?? '');
    }
    for (const child of this.children(e)) this.cancel(child, 'Parent workflow finished');
    if (e.graph.spec.onExit.length) this.rt.hooks.runExecution(e, 'exit');
    if (e.rec.taskExecutionId) this.rt.items.childFinished(e);
    this.rt.settled(e);
    this.forgetIfDone(e);
  }

  afterExitHooks(e: ExecRun): void {
    this.forgetIfDone(e);
  }

  private children(e: ExecRun): ExecRun[] {
    const out: ExecRun[] = [];
    for (const t of e.tasks.values()) {
      for (const [id, w] of t.running) {
        const child = w.kind === 'workflow' ? this.rt.liveExecs.get(id) : undefined;
        if (child) out.push(child);
      }
    }
    return out;
  }

  /** Drops a finished execution from memory once nothing of it is in flight any more. */
  forgetIfDone(e: ExecRun): void {
    if (!isTerminalWorkflow(e.rec.state) || e.busy > 0) return;
    for (const t of e.tasks.values()) if (!isCompletedTask(t.rec.state) || t.running.size) return;
    this.rt.releaseExec(e);
    for (const id of e.tasks.keys()) this.rt.liveTasks.delete(id);
  }

  /** Pause requested by the API: the whole tree of executions pauses. */
  pause(e: ExecRun, stateInfo?: string | null): void {
    if (!this.rt.transitions.execution(e, 'PAUSE', stateInfo)) {
      throw new InvalidStateError(`Can't change workflow execution state from ${e.rec.state} to PAUSED`);
    }
    for (const child of this.children(e)) if (child.rec.state === 'RUNNING') this.pause(child);
    this.rt.settled(e);
  }

  /** Pause by the workflow itself (`pause` command with its `msg`, `pause-before`). */
  pauseBy(e: ExecRun, msg?: string | null): void {
    if (e.rec.state === 'RUNNING') this.pause(e, msg ?? undefined);
  }

  resume(e: ExecRun): void {
    if (!this.rt.transitions.execution(e, 'RESUME', null)) {
      throw new InvalidStateError(`Can't change workflow execution state from ${e.rec.state} to RUNNING`);
    }
    for (const child of this.children(e)) if (child.rec.state === 'PAUSED') this.resume(child);
    for (const t of e.tasks.values())
      if (t.rec.state === 'IDLE' && t.phase === 'new') this.rt.tasks.resumeHeld(t);
    const deferred = e.rt.deferred as Deferred[];
    e.rt.deferred = [];
    for (let i = 0; i < deferred.length; i++) {
      if (e.rec.state !== 'RUNNING') {
        e.rt.deferred.push(...deferred.slice(i));
        break;
      }
      const d = deferred[i] as Deferred;
      if (d.kind === 'commands') this.run(e, d.commands);
      else {
        const t = e.tasks.get(d.task);
        if (t) this.rt.navigator.onTaskComplete(t);
      }
    }
    this.checkCompletion(e);
  }

  /** Re-runs a failed task (`PUT /v2/tasks/{id}` state RUNNING): the execution goes back to RUNNING. */
  rerunTask(t: TaskRun): void {
    const e = t.exec;
    if (t.rec.state !== 'ERROR') throw new InvalidStateError(`task ${t.rec.id} is ${t.rec.state}, not ERROR`);
    this.reopen(e);
    const rc = t.rec.runtimeContext;
    delete rc.retry_task_policy;
    delete rc.error_handled;
    delete rc.failed_on;
    rc.wait_after_done = false;
    t.rec.processed = false;
    t.phase = 'new';
    this.rt.kernel.uow.supersededRuns.add(t.rec.id);
    this.rt.transitions.task(t, 'RUN', null);
    this.rt.tasks.runAction(t);
  }

  skipTask(t: TaskRun): void {
    const e = t.exec;
    if (t.rec.state !== 'ERROR') throw new InvalidStateError(`task ${t.rec.id} is ${t.rec.state}, not ERROR`);
    this.reopen(e);
    this.rt.transitions.task(t, 'SKIP', null);
    if (t.spec.publishOnSkip) {
      t.rec.published = evalFor(e, t, t.spec.publishOnSkip, t.rec.inContext) as Record<string, unknown>;
    }
    this.rt.navigator.onTaskComplete(t);
    this.checkCompletion(e);
  }

  private reopen(e: ExecRun): void {
    if (e.rec.state === 'RUNNING') return;
    if (!this.rt.transitions.execution(e, 'RERUN', null)) {
      throw new InvalidStateError(`Can't re-run a task of an execution in state ${e.rec.state}`);
    }
    e.rec.output = null;
    this.rt.holdExec(e);
    for (const id of e.tasks.keys()) this.rt.liveTasks.set(id, e.tasks.get(id) as TaskRun);
  }
}
