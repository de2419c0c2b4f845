/**
 * Where a workflow goes next. Direct workflows follow `on-success` / `on-error` / `on-complete` / `on-skip`
 * (specific clause first, then on-complete; guards evaluated on the task's outbound context) and wait at
 * joins; reverse workflows run each needed task once all its `requires` succeeded.
 */
import { truthy } from '../../dsl/index.js';
import type { OnClauseSpec, EngineCommand } from '../../dsl/index.js';
import { isCompletedTask } from '../states.js';
import { assignData, evalFor, outboundContext } from './dataflow.js';
import type { ExecRun, TaskRun } from './model.js';
import type { Runtime } from './runtime.js';

export type Command =
  { kind: 'task'; task: string; from: string } | { kind: EngineCommand; msg: string | null; from: string };

export class Navigator {
  constructor(private readonly rt: Runtime) {}

  launch(e: ExecRun): void {
    if (e.graph.spec.type === 'reverse') this.launchReverse(e);
    else for (const name of e.graph.startTasks) this.schedule(e, name, e.rt.initialContext, null);
  }

  onTaskComplete(t: TaskRun): void {
    const e = t.exec;
    t.rec.processed = true;
    this.rt.markTask(t);
    if (t.rec.runtimeContext.join_rerun) return; // a re-armed join does not route twice
    if (e.graph.spec.type === 'reverse') {
      if (t.rec.state === 'SUCCESS') this.launchReady(e);
      return;
    }
    this.rt.workflows.run(e, this.commands(t));
  }

  /** Evaluates the task's clauses into commands; records whether an error was handled. */
  private commands(t: TaskRun): Command[] {
    const e = t.exec;
    const s = t.spec;
    const st = t.rec.state;
    const specific =
      st === 'SUCCESS' ? s.onSuccess : st === 'ERROR' ? s.onError : st === 'SKIPPED' ? s.onSkip : undefined;
    const general = st === 'SUCCESS' || st === 'ERROR' ? s.onComplete : undefined;
    if (general?.publish || general?.publishGlobal || specific?.publish || specific?.publishGlobal)
      this.clausePublish(t, [general, specific]);
    // Made when a guard or a message needs it: most transitions have neither.
    let ctx: Record<string, unknown> | undefined;
    const out: Command[] = [];
    let handled = false;
    for (let c = 0; c < 2; c++) {
      const clause = c === 0 ? specific : general;
      for (const tr of clause?.next ?? []) {
        if (tr.guard !== undefined && !truthy(evalFor(e, t, tr.guard, (ctx ??= outboundContext(t)))))
          continue;
        if (clause === specific && st === 'ERROR') handled = true;
        if (tr.kind === 'task') out.push({ kind: 'task', task: tr.task, from: t.rec.id });
        else {
          const msg =
            tr.msg === undefined || tr.msg === null
              ? null
              : String(evalFor(e, t, tr.msg, (ctx ??= outboundContext(t))));
          out.push({ kind: tr.command, msg, from: t.rec.id });
        }
      }
    }
    if (st === 'ERROR') t.rec.runtimeContext.error_handled = handled;
    return out;
  }

  /** The advanced clause form's `publish`: on-complete's first, the specific clause's wins. */
  private clausePublish(t: TaskRun, clauses: (OnClauseSpec | undefined)[]): void {
    const e = t.exec;
    for (const c of clauses) {
      if (c?.publish) {
        const p = evalFor(e, t, c.publish, outboundContext(t)) as Record<string, unknown>;
        t.rec.published = { ...t.rec.published, ...p };
      }
      if (c?.publishGlobal)
        assignData(
          e.rec.publishedGlobal,
          evalFor(e, t, c.publishGlobal, outboundContext(t)) as Record<string, unknown>,
        );
    }
  }

  scheduleFrom(e: ExecRun, name: string, fromId: string): void {
    const from = e.tasks.get(fromId) ?? null;
    this.schedule(e, name, from ? outboundContext(from) : e.rt.initialContext, from);
  }

  schedule(e: ExecRun, name: string, ctx: Record<string, unknown>, from: TaskRun | null): void {
    const spec = e.graph.tasks.get(name);
    if (!spec) throw new Error(`Task '${name}' is not defined in workflow '${e.rec.workflowName}'`);
    if (spec.join === undefined) {
      this.rt.tasks.start(this.rt.tasks.create(e, spec, ctx));
      return;
    }
    let j = e.joins.get(name);
    if (!j || (spec.join === 'all' && j.rec.state !== 'WAITING')) {
      j = this.rt.tasks.create(e, spec, {});
      j.rec.runtimeContext.joined = [];
      this.rt.transitions.task(j, 'WAIT');
      e.joins.set(name, j);
    }
    const joined = j.rec.runtimeContext.joined as string[];
    if (from) joined.push(from.rec.name);
    j.rec.inContext = { ...j.rec.inContext, ...ctx };
    this.rt.markTask(j);
    if (j.rec.state === 'WAITING') {
      if (this.satisfied(e, j)) this.rt.tasks.start(j);
    } else if (j.phase === 'done' && isCompletedTask(j.rec.state) && j.rec.state === 'SUCCESS') {
      // Mistral 15 quirk (conformance 009/010): a late inbound task re-runs a fired `join: one|N` task inside
      // the same task execution; its result becomes the list of every run's result.
      j.rec.runtimeContext.join_rerun = true;
      j.rec.runtimeContext.wait_after_done = false;
      j.rec.runtimeContext.exit_done = false;
      this.rt.transitions.task(j, 'WAIT');
      this.rt.tasks.start(j);
    }
  }

  private satisfied(e: ExecRun, j: TaskRun): boolean {
    const joined = new Set(j.rec.runtimeContext.joined as string[]);
    const need = j.spec.join;
    if (need === 'all') return (e.graph.inbound.get(j.rec.name) ?? []).every((n) => joined.has(n));
    return joined.size >= (need ?? 1);
  }

  private launchReverse(e: ExecRun): void {
    const target = e.rec.params.task_name;
    const needed = new Set<string>();
    if (target === undefined) {
      for (const n of e.graph.tasks.keys()) needed.add(n);
    } else {
      if (!e.graph.tasks.has(target)) throw new Error(`Invalid task name [name=${target}]`);
      const visit = (n: string) => {
        if (needed.has(n)) return;
        needed.add(n);
        for (const r of e.graph.tasks.get(n)?.requires ?? []) visit(r);
      };
      visit(target);
    }
    e.reverse = { needed, done: new Set() };
    this.launchReady(e);
  }

  private launchReady(e: ExecRun): void {
    const rev = e.reverse;
    if (!rev) return;
    for (const t of e.tasks.values()) if (t.rec.state === 'SUCCESS') rev.done.add(t.rec.name);
    for (const name of e.graph.tasks.keys()) {
      if (!rev.needed.has(name) || e.lastByName.has(name)) continue;
      const requires = e.graph.tasks.get(name)?.requires ?? [];
      if (!requires.every((r) => rev.done.has(r))) continue;
      let ctx = e.rt.initialContext;
      for (const r of requires) {
        const dep = e.lastByName.get(r);
        if (dep) ctx = { ...ctx, ...outboundContext(dep) };
      }
      this.schedule(e, name, ctx, null);
    }
  }
}
