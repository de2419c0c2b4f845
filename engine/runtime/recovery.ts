/**
 * Recovery after a restart (or a crash at any point): rebuilds the in-memory model of every unfinished
 * execution from the store, re-arms its timers and resumes its work.
 *
 * - An action that was running is run again (at-least-once), as a new action execution of the same item;
 *   with `safe-rerun: false` the item fails instead, with a message saying why (Mistral's behaviour).
 * - An asynchronous action that was accepted keeps waiting for its completion through the API.
 * - A hook that was running is run again; with-items tasks start the items they had not started yet.
 * Nothing is re-emitted: events are only produced by new state changes, numbered after the last stored one.
 */
import { truthy } from '../../dsl/index.js';
import type { RecoverySet } from '../../store/index.js';
import { isCompletedTask, isTerminalWorkflow } from '../states.js';
import type { ActionExecutionRecord, ExecutionRecord } from '../types.js';
import { evalFor } from './dataflow.js';
import { graphOf } from './graph.js';
import { childOutcome, recordItem } from './items.js';
import { newExecRun, type ActionRun, type ExecRun, type TaskRun } from './model.js';
import type { Runtime } from './runtime.js';

export class Recovery {
  constructor(private readonly rt: Runtime) {}

  async recoverAll(): Promise<void> {
    const set = await this.rt.store.loadUnfinished();
    await this.rt.kernel.run(() => this.resume(set));
  }

  /**
   * Takes over executions another engine node ran until it died (their rows now belong to this node): loads
   * them and resumes them as a restart would.
   */
  async adopt(ids: string[]): Promise<void> {
    const fresh = ids.filter((id) => !this.rt.liveExecs.has(id));
    if (!fresh.length) return;
    const set = await this.rt.store.loadExecutions(fresh);
    await this.rt.kernel.run(() => {
      const live = new Set(
        set.executions.filter((e) => this.rt.liveExecs.has(e.record.id)).map((e) => e.record.id),
      );
      if (!live.size) return this.resume(set);
      this.resume({
        ...set,
        executions: set.executions.filter((e) => !live.has(e.record.id)),
        tasks: set.tasks.filter((t) => !live.has(t.record.workflowExecutionId)),
        actions: set.actions.filter((a) => !live.has(a.workflowExecutionId)),
        timers: set.timers.filter((t) => !live.has(t.executionId)),
      });
    });
  }

  /** Makes sure an execution is in memory (to steer or re-open it), loading it from the store if needed. */
  async ensureLoaded(id: string, evenIfFinished = false): Promise<void> {
    if (this.rt.liveExecs.has(id)) return;
    if (!evenIfFinished) {
      // One row says whether there is anything to load: a finished execution's tree can be a million rows, read
      // on the event loop (a PUT on a finished with-items of 900,000 items held the server for 12-45 s).
      const head = await this.rt.store.getExecution(id);
      if (!head || isTerminalWorkflow(head.record.state)) return;
    }
    const set = await this.rt.store.loadExecutions([id]);
    const row = set.executions[0];
    if (!row) return;
    if (!evenIfFinished && isTerminalWorkflow(row.record.state)) return;
    await this.rt.kernel.run(() => {
      // Re-opened to steer it (a re-run of a failed task): keep it in memory even though it is finished.
      if (!this.rt.liveExecs.has(id)) this.resume(set, evenIfFinished);
    });
  }

  private resume(set: RecoverySet, keepFinished = false): void {
    const execs = set.executions.map((row) => this.hydrateExec(row, set.sequences[row.record.id] ?? 0));
    const byExec = new Map(execs.map((e) => [e.rec.id, e]));
    const actionsByTask = new Map<string, ActionExecutionRecord[]>();
    const execHooks: ActionExecutionRecord[] = [];
    for (const a of set.actions) {
      if (a.taskExecutionId) {
        const list = actionsByTask.get(a.taskExecutionId) ?? [];
        list.push(a);
        actionsByTask.set(a.taskExecutionId, list);
      } else if (a.state === 'RUNNING') execHooks.push(a);
    }
    for (const row of set.tasks) {
      const e = byExec.get(row.record.workflowExecutionId);
      if (e) this.hydrateTask(e, row.record, actionsByTask.get(row.record.id) ?? []);
    }
    // Link running sub-workflows to the task item that waits for them; count the items already done.
    for (const e of execs) {
      const parent = e.rec.taskExecutionId ? this.rt.liveTasks.get(e.rec.taskExecutionId) : undefined;
      if (parent && !isTerminalWorkflow(e.rec.state)) {
        const index = Number(e.rec.params.index ?? 0);
        parent.running.set(e.rec.id, { kind: 'workflow', index });
        if (parent.items) parent.items.started[index] = true;
      }
    }
    for (const child of set.finishedChildren) this.countFinishedChild(child);
    for (const timer of set.timers) if (byExec.has(timer.executionId)) this.rt.timers.schedule(timer);
    for (const e of execs) this.restart(e, actionsByTask, execHooks, keepFinished);
  }

  /** A with-items item that is a sub-workflow and finished before the restart, in the task's current run. */
  private countFinishedChild(child: ExecutionRecord): void {
    const t = child.taskExecutionId ? this.rt.liveTasks.get(child.taskExecutionId) : undefined;
    const it = t?.items;
    if (!t || !it || t.phase !== 'action') return;
    // Children of an earlier run (a retry, a re-run) do not count.
    if (child.createdAt < Number(t.rec.runtimeContext.run_started_at ?? 0)) return;
    const index = Number(child.params.index ?? 0);
    if (it.finished[index]) return;
    const { ok, value } = childOutcome(child);
    recordItem(it, index, ok, value);
  }

  private hydrateExec(row: RecoverySet['executions'][number], seq: number): ExecRun {
    const e = newExecRun(row.record, row.runtime, graphOf(row.runtime.spec), seq);
    this.rt.holdExec(e);
    return e;
  }

  private hydrateTask(e: ExecRun, rec: TaskRun['rec'], actions: ActionExecutionRecord[]): void {
    const spec = e.graph.tasks.get(rec.name);
    if (!spec) return;
    const rc = rec.runtimeContext;
    const done = isCompletedTask(rec.state);
    const hooks = rc.hooks as { which: string } | undefined;
    const t: TaskRun = {
      rec,
      exec: e,
      spec,
      phase: done ? (hooks?.which === 'exit' && !rc.exit_done ? 'exit' : 'done') : 'new',
      items: null,
      running: new Map(),
      results: [],
    };
    if (rec.state === 'RUNNING') t.phase = hooks?.which === 'enter' && !rc.enter_done ? 'enter' : 'action';
    e.tasks.set(rec.id, t);
    e.created++;
    e.lastByName.set(rec.name, t);
    if (spec.join !== undefined) e.joins.set(rec.name, t);
    this.rt.liveTasks.set(rec.id, t);
    if (!done) e.active++;
    const attempt = ((rc.retry_task_policy as { retry_no?: number } | undefined)?.retry_no ?? 0) + 1;
    const own = actions.filter((a) => a.kind === 'action' && a.accepted && a.attempt === attempt);
    if (rc.with_items && t.phase === 'action') {
      const it = this.rt.items.itemsState(t);
      t.items = it;
      for (const a of own) {
        it.started[a.index] = true;
        if (a.state === 'RUNNING' || it.finished[a.index]) continue;
        const value = (a.output as { result?: unknown } | null)?.result ?? null;
        recordItem(it, a.index, a.state === 'SUCCESS', value);
      }
    } else if (rc.with_items && done) {
      const results = (rec.result as unknown[]) ?? [];
      t.items = {
        bindings: [],
        results,
        finished: [],
        started: [],
        next: 0,
        running: 0,
        completed: 0,
        failed: 0,
        concurrency: 0,
      };
    } else {
      t.results = rc.join_rerun && Array.isArray(rec.result) ? [...(rec.result as unknown[])] : [rec.result];
    }
  }

  private restart(
    e: ExecRun,
    actionsByTask: Map<string, ActionExecutionRecord[]>,
    execHooks: ActionExecutionRecord[],
    keepFinished: boolean,
  ): void {
    for (const t of e.tasks.values()) {
      const attempt =
        ((t.rec.runtimeContext.retry_task_policy as { retry_no?: number } | undefined)?.retry_no ?? 0) + 1;
      for (const a of actionsByTask.get(t.rec.id) ?? []) {
        if (a.state !== 'RUNNING') continue;
        if (a.kind === 'hook') this.rerunHook(e, t, a);
        else if (a.accepted && a.attempt === attempt && t.phase === 'action') this.resumeAction(t, a);
        else this.abandon(a, 'superseded');
      }
      if (t.items && t.phase === 'action') {
        const it = t.items;
        it.next = 0;
        it.running = [...t.running.values()].filter((w) => w.kind !== 'hook').length;
        if (it.failed === 0) this.rt.items.startMore(t, it);
        if (it.running === 0 && (it.failed > 0 || it.completed === it.bindings.length)) {
          this.rt.items.completeItems(t, it);
        }
      }
    }
    for (const a of execHooks) if (a.workflowExecutionId === e.rec.id) this.rerunHook(e, null, a);
    if (e.rec.state === 'IDLE') this.rt.workflows.launchCreated(e);
    else if (e.rec.state === 'RUNNING') this.rt.workflows.checkCompletion(e);
    else if (!keepFinished) this.rt.workflows.forgetIfDone(e);
  }

  /** An action execution that was running when the engine stopped. */
  private resumeAction(t: TaskRun, a: ActionExecutionRecord): void {
    const binding = t.items?.bindings[a.index] ?? null;
    let prepared;
    try {
      prepared = this.rt.items.prepare(t, a.index, binding);
    } catch {
      prepared = null;
    }
    if (a.isAsync && prepared?.kind === 'action') {
      const ar: ActionRun = {
        rec: a,
        exec: t.exec,
        task: t,
        def: prepared.action.def,
        input: a.input,
        outputs: prepared.action.outputs,
        abort: null,
      };
      this.rt.liveActions.set(a.id, ar);
      t.running.set(a.id, { kind: 'action', index: a.index, action: ar });
      return;
    }
    const safe =
      t.spec.safeRerun === undefined || truthy(evalFor(t.exec, t, t.spec.safeRerun, t.rec.inContext));
    if (!safe || !prepared) {
      const msg = !prepared
        ? `Failed to restart action execution ${a.id} after an engine restart`
        : `Action execution ${a.id} was running when the engine stopped and the task's safe-rerun is false`;
      const ar: ActionRun = {
        rec: a,
        exec: t.exec,
        task: t,
        def: undefined as never,
        input: a.input,
        outputs: [],
        abort: null,
      };
      this.rt.liveActions.set(a.id, ar);
      t.running.set(a.id, { kind: 'action', index: a.index, action: ar });
      if (t.items) t.items.running++;
      this.rt.items.finishAction(ar, false, msg);
      return;
    }
    this.abandon(a, RERUN_NOTE);
    if (t.items) t.items.running++;
    this.rt.items.launch(t, prepared);
  }

  private rerunHook(e: ExecRun, t: TaskRun | null, a: ActionExecutionRecord): void {
    this.abandon(a, RERUN_NOTE);
    if (t) this.rt.hooks.resumeTask(t);
    else this.rt.hooks.resumeExecution(e);
  }

  private abandon(a: ActionExecutionRecord, note: string): void {
    a.state = 'ERROR';
    a.stateInfo = note;
    a.accepted = false;
    a.updatedAt = this.rt.clock.now();
    this.rt.kernel.uow.actions.set(a.id, a);
  }
}

/** Marks an action execution replaced by a re-run after a restart (it is not a real failure). */
const RERUN_NOTE = 'Interrupted by an engine restart; the action was run again';
