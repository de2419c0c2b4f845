/**
 * The runtime hub: owns the kernel, the live objects (executions, tasks, running actions) and the flow
 * components, and is what each component receives to reach the others. Components import each other only as
 * types, through this hub, so the engine has no import cycles.
 */
import type { ActionRegistry } from '../../actions/index.js';
import type { Clock } from '../../common/index.js';
import type { Store } from '../../store/index.js';
import type { Definitions } from '../definitions.js';
import type { OutboxEvent } from '../types.js';
import { Hooks } from './hooks.js';
import { Items } from './items.js';
import { Kernel } from './kernel.js';
import type { ActionRun, ExecRun, TaskRun } from './model.js';
import { Navigator } from './navigator.js';
import { TaskFlow } from './task-flow.js';
import { Timers } from './timers.js';
import { Transitions } from './transitions.js';
import { WorkflowFlow } from './workflow-flow.js';

export interface Logger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RuntimeOptions {
  store: Store;
  registry: ActionRegistry;
  defs: Definitions;
  clock: Clock;
  logger: Logger;
  batchSize?: number;
  /** How long a failing store commit is retried before the engine gives up. @default 30000 */
  commitRetryMs?: number;
  /** Told once when commits failed for good (the engine then refuses every call). */
  onCommitFatal?: (err: Error) => void;
  callbackBaseUrl?: string;
  /** Most task executions one workflow execution may create (0: no limit). @default 100000 */
  maxTasksPerExecution?: number;
  /** Deepest nesting of sub-workflows under a top-level execution (0: no limit). @default 100 */
  maxWorkflowDepth?: number;
  /** Most executions one tree (a top-level execution and its sub-workflows) may start (0: no limit). @default 20000 */
  maxExecutionsPerTree?: number;
}

export type EventListener = (event: Omit<OutboxEvent, 'id'>) => void;

export class Runtime {
  readonly store: Store;
  readonly registry: ActionRegistry;
  readonly defs: Definitions;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly callbackBaseUrl: string | undefined;
  readonly maxTasksPerExecution: number;
  readonly maxWorkflowDepth: number;
  readonly maxExecutionsPerTree: number;
  readonly kernel: Kernel;
  readonly transitions: Transitions;
  readonly timers: Timers;
  readonly tasks: TaskFlow;
  readonly items: Items;
  readonly workflows: WorkflowFlow;
  readonly navigator: Navigator;
  readonly hooks: Hooks;

  /** Executions in memory, by id: changed only through `holdExec` and `releaseExec`, which count the trees. */
  readonly liveExecs = new Map<string, ExecRun>();
  /**
   * How many executions each tree in memory (by its top-level execution's id) has held: those created, and those
   * loaded by a recovery. Forgotten with the top-level execution.
   */
  readonly treeSizes = new Map<string, number>();
  readonly liveTasks = new Map<string, TaskRun>();
  readonly liveActions = new Map<string, ActionRun>();
  private readonly listeners = new Set<EventListener>();
  private readonly settleWaiters = new Map<string, (() => void)[]>();

  constructor(opts: RuntimeOptions) {
    this.store = opts.store;
    this.registry = opts.registry;
    this.defs = opts.defs;
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.callbackBaseUrl = opts.callbackBaseUrl;
    this.maxTasksPerExecution = opts.maxTasksPerExecution ?? 100_000;
    this.maxWorkflowDepth = opts.maxWorkflowDepth ?? 100;
    this.maxExecutionsPerTree = opts.maxExecutionsPerTree ?? 20_000;
    this.kernel = new Kernel(opts.store, {
      batchSize: opts.batchSize,
      onWorkError: (err) => this.logger.error({ err }, 'engine work item failed'),
      commitRetryMs: opts.commitRetryMs,
      onCommitRetry: (err, attempt, delayMs) =>
        this.logger.warn({ err, attempt, delayMs }, 'store commit failed, retrying'),
      onCommitFatal: (err) => {
        this.logger.error({ err }, 'store commit kept failing: the engine stops and refuses every call');
        opts.onCommitFatal?.(err);
      },
    });
    this.transitions = new Transitions(this);
    this.timers = new Timers(this);
    this.tasks = new TaskFlow(this);
    this.items = new Items(this);
    this.workflows = new WorkflowFlow(this);
    this.navigator = new Navigator(this);
    this.hooks = new Hooks(this);
  }

  /** Puts an execution in memory (`liveExecs`), counting it in its tree. */
  holdExec(e: ExecRun): void {
    if (this.liveExecs.get(e.rec.id) === e) return;
    this.releaseExec(this.liveExecs.get(e.rec.id));
    this.liveExecs.set(e.rec.id, e);
    const root = e.rec.rootExecutionId ?? e.rec.id;
    this.treeSizes.set(root, (this.treeSizes.get(root) ?? 0) + 1);
  }

  /** Drops an execution from memory; a top-level one takes its tree's count with it. */
  releaseExec(e: ExecRun | undefined): void {
    if (!e || this.liveExecs.get(e.rec.id) !== e) return;
    this.liveExecs.delete(e.rec.id);
    if (!e.rec.rootExecutionId) this.treeSizes.delete(e.rec.id);
  }

  markExec(e: ExecRun): void {
    this.kernel.uow.execs.add(e);
  }

  markTask(t: TaskRun): void {
    this.kernel.uow.tasks.add(t);
  }

  markAction(a: ActionRun): void {
    this.kernel.uow.actions.set(a.rec.id, a.rec);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after commit, once per event, in sequence order. */
  publish(event: Omit<OutboxEvent, 'id'>): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.logger.warn({ err }, 'event listener threw');
      }
    }
  }

  /** Resolves once the execution has settled (terminal or paused) and that state is committed. */
  waitSettled(executionId: string): Promise<void> {
    return new Promise((resolve) => {
      const list = this.settleWaiters.get(executionId) ?? [];
      list.push(resolve);
      this.settleWaiters.set(executionId, list);
    });
  }

  /** Wakes the waiters of an execution after the current batch commits. */
  settled(e: ExecRun): void {
    const list = this.settleWaiters.get(e.rec.id);
    if (!list) return;
    this.settleWaiters.delete(e.rec.id);
    this.kernel.uow.effects.push(() => list.forEach((w) => w()));
  }
}
