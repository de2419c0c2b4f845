/**
 * The engine's public API for library use: load definitions, start executions, steer them, complete async
 * actions, re-run failed tasks, read executions, tasks, action executions and outbox events.
 *
 * Lifecycle: `Engine.start()` opens definitions, recovers every unfinished execution from the store (re-arming
 * timers, re-running in-flight actions) and returns a running engine; `close()` drains the work queue, stops
 * the timers and closes the store.
 */
import { createDefaultRegistry, type ActionRegistry } from '../actions/index.js';
import {
  ConflictError,
  InvalidInputError,
  InvalidStateError,
  NotFoundError,
  systemClock,
  type Clock,
} from '../common/index.js';
import type {
  ActionFilter,
  ClusterCommand,
  ExecutionFilter,
  ExecutionRow,
  Store,
  TaskFilter,
  WorkflowDefinitionRow,
} from '../store/index.js';
import { ClusterFeed } from './cluster-feed.js';
import { Definitions, type SaveOptions, type SavedDocument } from './definitions.js';
import {
  StandaloneActions,
  type StandaloneActionRequest,
  type StandaloneOutcome,
} from './standalone-actions.js';
import { isTerminalWorkflow } from './states.js';
import { Recovery } from './runtime/recovery.js';
import { Runtime, type EventListener, type Logger } from './runtime/runtime.js';
import type {
  ActionExecutionRecord,
  CompleteActionRequest,
  ExecutionRecord,
  OutboxEvent,
  StartExecutionRequest,
  TaskRecord,
  WorkflowState,
} from './types.js';

/** What `PUT /v2/executions/{id}` may change: a state, the description, or the environment (see `updateExecution`). */
export interface ExecutionUpdate {
  state?: WorkflowState;
  /** The reason recorded with a state change (`state_info`). */
  stateInfo?: string | null;
  description?: string;
  /** Variables merged into the execution's environment: an object, or the name of a stored environment. */
  env?: Record<string, unknown> | string;
}

/** States in which Mistral lets the environment of an execution change. */
const ENV_EDITABLE: ReadonlySet<WorkflowState> = new Set(['IDLE', 'PAUSED', 'ERROR']);

export interface EngineOptions {
  store: Store;
  /** @default the standard actions */
  actions?: ActionRegistry;
  /** @default the system clock */
  clock?: Clock;
  /** @default silent */
  logger?: Logger;
  /** Work items per transaction. @default 2000 */
  batchSize?: number;
  /** How long a failing store commit is retried before the engine gives up. @default 30000 */
  commitRetryMs?: number;
  /** Base URL of the REST API, for async actions' callback URL. */
  callbackBaseUrl?: string;
  /** Most task executions one workflow execution may create (0: no limit). @default 100000 */
  maxTasksPerExecution?: number;
  /** Deepest nesting of sub-workflows (0: no limit). @default 100 */
  maxWorkflowDepth?: number;
  /** Most executions one tree (a top-level execution and its sub-workflows) may start (0: no limit). @default 20000 */
  maxExecutionsPerTree?: number;
}

const silent: Logger = { error: () => undefined, warn: () => undefined };

export class Engine {
  readonly definitions: Definitions;
  private readonly rt: Runtime;
  private readonly recovery: Recovery;
  private readonly standalone: StandaloneActions;

  private constructor(private readonly opts: EngineOptions) {
    const registry = opts.actions ?? createDefaultRegistry();
    this.definitions = new Definitions(opts.store, registry);
    this.rt = new Runtime({
      store: opts.store,
      registry,
      defs: this.definitions,
      clock: opts.clock ?? systemClock,
      logger: opts.logger ?? silent,
      batchSize: opts.batchSize,
      commitRetryMs: opts.commitRetryMs,
      onCommitFatal: (err) => {
        for (const fn of this.fatalListeners) fn(err);
      },
      callbackBaseUrl: opts.callbackBaseUrl,
      maxTasksPerExecution: opts.maxTasksPerExecution,
      maxWorkflowDepth: opts.maxWorkflowDepth,
      maxExecutionsPerTree: opts.maxExecutionsPerTree,
    });
    this.recovery = new Recovery(this.rt);
    this.standalone = new StandaloneActions({
      store: opts.store,
      registry,
      clock: opts.clock ?? systemClock,
      isAdHoc: (name, namespace) => this.definitions.action(name, undefined, namespace) !== null,
      callbackBaseUrl: opts.callbackBaseUrl,
    });
  }

  static async start(opts: EngineOptions): Promise<Engine> {
    const engine = new Engine(opts);
    await engine.definitions.load();
    await engine.recovery.recoverAll();
    engine.watchCluster();
    // On a store shared by several nodes, a RUNNING one may be another node's, still running.
    if (!opts.store.cluster) await engine.standalone.recover();
    return engine;
  }

  private readonly fatalListeners = new Set<(err: Error) => void>();

  /**
   * Told once if store commits fail for good (past the retry time): the engine's memory no longer matches the
   * store and every call is refused from then on. A server exits on it so that its supervisor restarts it and
   * recovery rebuilds the executions from what is durable.
   */
  onFatal(fn: (err: Error) => void): () => void {
    this.fatalListeners.add(fn);
    return () => this.fatalListeners.delete(fn);
  }

  private takeover: NodeJS.Timeout | null = null;
  private stopDefinitionWatch: (() => void) | null = null;
  private feed: ClusterFeed | null = null;

  /**
   * On a store shared by several nodes, a steering call for an execution another live node runs is handed to
   * that node (it alone may write the execution) and answered with its outcome; `undefined`: apply it here.
   */
  private forward(executionId: string, cmd: ClusterCommand): Promise<{ value: unknown } | undefined> {
    const cluster = this.opts.store.cluster;
    if (!cluster || this.rt.liveExecs.has(executionId)) return Promise.resolve(undefined);
    return cluster.forward(executionId, cmd);
  }

  /** A command another node handed to this one: applied as the local call would be. */
  private applyCommand(cmd: ClusterCommand): Promise<unknown> {
    const args = cmd.args;
    switch (cmd.kind) {
      case 'set-state':
        return this.setExecutionState(cmd.id, args.state as WorkflowState, args.stateInfo as string | null);
      case 'complete-action':
        return this.completeAction(cmd.id, args as unknown as CompleteActionRequest);
      case 'rerun-task':
        return this.rerunTask(cmd.id);
      case 'skip-task':
        return this.skipTask(cmd.id);
      case 'update-execution':
        return this.updateExecution(cmd.id, args);
    }
  }

  /** On a store shared by several nodes: takes over the executions of nodes that died, as they are found. */
  private watchCluster(): void {
    const cluster = this.opts.store.cluster;
    if (!cluster) return;
    cluster.serveCommands((cmd) => this.applyCommand(cmd));
    this.stopDefinitionWatch = cluster.onRemote('definitions', () => {
      this.definitions
        .load()
        .catch((err: unknown) => this.rt.logger.error({ err }, 'reloading definitions failed'));
    });
    let busy = false;
    this.takeover = setInterval(() => {
      if (busy) return;
      busy = true;
      cluster
        .claimOrphans()
        .then((ids) => this.recovery.adopt(ids))
        .catch((err: unknown) => this.rt.logger.error({ err }, 'taking over executions failed'))
        .finally(() => {
          busy = false;
        });
    }, cluster.pollMs);
    this.takeover.unref();
  }

  get store(): Store {
    return this.opts.store;
  }

  get actions(): ActionRegistry {
    return this.rt.registry;
  }

  // ---- definitions
  createWorkbook(text: string, opts?: SaveOptions): Promise<SavedDocument> {
    return this.definitions.save(text, 'workbook', opts);
  }
  updateWorkbook(text: string, opts?: SaveOptions): Promise<SavedDocument> {
    return this.definitions.save(text, 'workbook', { ...opts, update: true });
  }
  createWorkflows(text: string, opts?: SaveOptions): Promise<SavedDocument> {
    return this.definitions.save(text, 'workflows', opts);
  }
  updateWorkflows(text: string, opts?: SaveOptions): Promise<SavedDocument> {
    return this.definitions.save(text, 'workflows', { ...opts, update: true });
  }
  /** Creates or replaces whatever the document defines (a workbook or workflows). */
  async load(text: string, opts?: SaveOptions): Promise<SavedDocument> {
    const { kind } = this.definitions.parse(text, opts?.file);
    if (kind === 'actions') {
      throw new InvalidInputError('an actions document defines no workflow to load', 'definition');
    }
    return this.definitions.save(text, kind, { ...opts, update: false }).catch(async (err: unknown) => {
      if ((err as { code?: string }).code !== 'CONFLICT') throw err;
      return this.definitions.save(text, kind, { ...opts, update: true });
    });
  }

  /**
   * The workflow `nameOrId` as `definitions.workflowRow` finds it. On a store shared by several nodes, a miss
   * reloads the definitions once first: another node may have saved it a moment ago, its notice not here yet
   * (behind a load balancer, an upload on one node and a create on the next).
   */
  async findWorkflow(nameOrId: string, namespace?: string): Promise<WorkflowDefinitionRow | null> {
    const row = this.definitions.workflowRow(nameOrId, namespace);
    if (row || !this.opts.store.cluster) return row;
    await this.missReload();
    return this.definitions.workflowRow(nameOrId, namespace);
  }

  private reloading: Promise<void> | null = null;
  private reloadNext: Promise<void> | null = null;

  /**
   * A reload of the definitions that starts after the miss asking for it, shared: a reload already running may
   * have read the store before the workflow was saved, so one more is queued behind it for every miss arriving
   * meanwhile. Requests naming a workflow that exists nowhere (a list filtered by an unknown id, say) then cost
   * at most one reload at a time, not one each.
   */
  private missReload(): Promise<void> {
    if (!this.reloading) return (this.reloading = this.reloadOnce());
    this.reloadNext ??= this.reloading
      .catch(() => undefined)
      .then(() => {
        this.reloadNext = null;
        return (this.reloading = this.reloadOnce());
      });
    return this.reloadNext;
  }

  private reloadOnce(): Promise<void> {
    const p: Promise<void> = this.definitions.load().finally(() => {
      if (this.reloading === p) this.reloading = null;
    });
    return p;
  }

  // ---- executions
  async startExecution(req: StartExecutionRequest): Promise<ExecutionRecord> {
    if (req.id) {
      const existing = await this.opts.store.getExecution(req.id);
      if (existing) return existing.record;
    }
    const namespace = req.namespace ?? (req.params?.namespace || undefined);
    const row = await this.findWorkflow(req.workflow, namespace);
    if (!row) throw new NotFoundError('workflow', req.workflow);
    const params = { ...(req.params ?? {}) };
    if (namespace) params.namespace = namespace;
    const env = await this.resolveEnv(params.env);
    return this.rt.kernel.run(() => {
      const e = this.rt.workflows.start({
        spec: row.spec,
        workflowId: row.id,
        namespace: row.namespace,
        input: req.input ?? {},
        params,
        env,
        description: req.description,
        id: req.id,
      });
      if (req.receipt) {
        this.rt.kernel.uow.receipts.push({
          ...req.receipt,
          outcome: 'started',
          executionId: e.rec.id,
          reason: null,
          createdAt: e.rec.createdAt,
        });
      }
      return structuredClone(e.rec);
    });
  }

  private async resolveEnv(env: unknown): Promise<Record<string, unknown>> {
    if (env === undefined || env === null) return {};
    if (typeof env === 'string') {
      const row = await this.opts.store.getEnvironment(env);
      if (!row) throw new InvalidInputError(`environment not found: ${env}`, 'params.env');
      return row.variables;
    }
    if (typeof env !== 'object' || Array.isArray(env)) {
      throw new InvalidInputError('params.env must be an object or an environment name', 'params.env');
    }
    return env as Record<string, unknown>;
  }

  /** Pause (PAUSED), resume (RUNNING), or stop (SUCCESS / ERROR / CANCELLED) an execution. */
  async setExecutionState(
    id: string,
    state: WorkflowState,
    stateInfo?: string | null,
  ): Promise<ExecutionRecord> {
    const remote = await this.forward(id, { kind: 'set-state', id, args: { state, stateInfo } });
    if (remote) return remote.value as ExecutionRecord;
    await this.recovery.ensureLoaded(id);
    const changed = await this.rt.kernel.run(() => {
      const e = this.rt.liveExecs.get(id);
      if (!e) return null;
      const wf = this.rt.workflows;
      if (state === e.rec.state) return structuredClone(e.rec);
      if (isTerminalWorkflow(e.rec.state)) {
        throw new InvalidStateError(`Can't change workflow execution state from ${e.rec.state} to ${state}`);
      }
      switch (state) {
        case 'PAUSED':
          wf.pause(e);
          break;
        case 'RUNNING':
          wf.resume(e);
          break;
        case 'CANCELLED':
          wf.cancel(e, stateInfo ?? null);
          break;
        case 'ERROR':
          wf.fail(e, stateInfo ?? 'Failed by user');
          break;
        case 'SUCCESS':
          wf.succeed(e, stateInfo ?? null);
          break;
        default:
          throw new InvalidStateError(`Can't change workflow execution state to ${state}`);
      }
      return structuredClone(e.rec);
    });
    if (changed) return changed;
    // Not in memory: it does not exist, or it finished (and nothing of it is in flight any more).
    const rec = await this.getExecution(id);
    if (rec.state === state) return rec;
    throw new InvalidStateError(`Can't change workflow execution state from ${rec.state} to ${state}`);
  }

  /**
   * Mistral's execution update: a state change (`setExecutionState`), or a new description, or environment
   * variables merged into the execution's env (only while it is IDLE, PAUSED or ERROR, or together with a
   * resume). The description cannot change together with the state.
   */
  async updateExecution(id: string, change: ExecutionUpdate): Promise<ExecutionRecord> {
    // The owner alone writes the execution: a write from here would take its row over and be lost at the
    // owner's next commit (it keeps the record in memory).
    const remote = await this.forward(id, { kind: 'update-execution', id, args: { ...change } });
    if (remote) return remote.value as ExecutionRecord;
    const current = await this.getExecution(id);
    if (change.description !== undefined && change.state !== undefined) {
      throw new InvalidInputError(
        'The property description must be updated separately from state.',
        'description',
      );
    }
    if (change.env !== undefined) {
      if (change.state !== undefined && change.state !== 'RUNNING') {
        throw new InvalidInputError(
          'The property env can only be updated when workflow execution is not running or on resume from pause.',
          'params.env',
        );
      }
      const env = await this.resolveEnv(change.env);
      const resuming = change.state === 'RUNNING';
      if (resuming && current.state !== 'PAUSED' && current.state !== 'IDLE') {
        throw new InvalidStateError(
          `Can't resume workflow execution ${id} with a new env: it is ${current.state}, not PAUSED`,
        );
      }
      await this.patchExecution(id, (rec, runtime) => {
        if (!ENV_EDITABLE.has(rec.state)) {
          throw new InvalidStateError(
            'Updating env to workflow execution is only permitted if it is in IDLE, PAUSED, or ERROR state.',
          );
        }
        runtime.env = { ...runtime.env, ...env };
        rec.params = { ...rec.params, env: runtime.env };
      });
    }
    if (change.description !== undefined) {
      const description = change.description;
      await this.patchExecution(id, (rec) => {
        rec.description = description;
      });
    }
    if (change.state !== undefined) return this.setExecutionState(id, change.state, change.stateInfo);
    return this.getExecution(id);
  }

  /**
   * Applies `patch` to an execution's record and runtime and persists it: through the kernel when the
   * execution is in memory (so it serialises with the engine's own changes), else straight to the store (a
   * finished execution). An unfinished one that is not in memory is one nobody live runs (a steering call for an
   * execution another live node runs is handed to it first): it is loaded here, taken over, and patched in memory.
   */
  private async patchExecution(
    id: string,
    patch: (rec: ExecutionRecord, runtime: ExecutionRow['runtime']) => void,
  ): Promise<void> {
    const now = () => (this.opts.clock ?? systemClock).now();
    const patchLive = () =>
      this.rt.kernel.run(() => {
        const e = this.rt.liveExecs.get(id);
        if (!e) return false;
        patch(e.rec, e.rt);
        e.rec.updatedAt = now();
        this.rt.markExec(e);
        return true;
      });
    if (await patchLive()) return;
    let row = await this.opts.store.getExecution(id);
    if (row && !isTerminalWorkflow(row.record.state)) {
      await this.recovery.ensureLoaded(id);
      if (await patchLive()) return;
      // Another node took it between the hand-over check and the load: writing it from here would take it back.
      if (this.opts.store.cluster)
        throw new ConflictError(`execution ${id} is run by another node that just took it: try again`);
      row = await this.opts.store.getExecution(id);
    }
    if (!row) throw new NotFoundError('execution', id);
    patch(row.record, row.runtime);
    row.record.updatedAt = now();
    await this.opts.store.commit({
      executions: [row],
      tasks: [],
      actions: [],
      events: [],
      timersSet: [],
      timersCleared: [],
    });
  }

  /**
   * Deletes an execution with its tasks, action executions and sub-workflow executions (Mistral cascades the
   * same way). An unfinished execution is refused unless `force`; forced, its work in flight is abandoned
   * first (actions aborted, timers cleared) so that nothing of it is written again.
   */
  async deleteExecution(id: string, opts: { force?: boolean } = {}): Promise<void> {
    const rec = await this.getExecution(id);
    if (!opts.force && !isTerminalWorkflow(rec.state)) {
      throw new ConflictError(
        `Only completed executions can be deleted. Execution ${id} is in ${rec.state} state`,
      );
    }
    const ids = await this.subtreeOf(rec);
    await this.rt.kernel.run(() => {
      for (const x of ids) this.dropLive(x);
    });
    for (const x of ids) await this.opts.store.deleteExecution(x);
  }

  /** The execution and its sub-workflow executions at any depth, deepest first. */
  private async subtreeOf(rec: ExecutionRecord): Promise<string[]> {
    const root = rec.rootExecutionId ?? rec.id;
    const children = new Map<string, string[]>();
    for (const x of await this.opts.store.listExecutions({ rootExecutionId: root })) {
      if (!x.parentExecutionId) continue;
      const list = children.get(x.parentExecutionId) ?? [];
      list.push(x.id);
      children.set(x.parentExecutionId, list);
    }
    const order: string[] = [];
    const queue = [rec.id];
    for (let i = 0; i < queue.length; i++) {
      const x = queue[i] as string;
      order.push(x);
      queue.push(...(children.get(x) ?? []));
    }
    return order.reverse();
  }

  /** Forgets an execution held in memory, abandoning its work in flight. Runs inside a work item. */
  private dropLive(id: string): void {
    const e = this.rt.liveExecs.get(id);
    if (!e) return;
    for (const t of e.tasks.values()) {
      this.rt.items.abortAll(t, 'Execution deleted');
      this.rt.timers.clearAll(t);
      this.rt.liveTasks.delete(t.rec.id);
    }
    for (const [actionId, a] of this.rt.liveActions) {
      if (a.exec !== e) continue;
      (a.abort ??= new AbortController()).abort(new Error('Execution deleted'));
      a.rec.state = 'CANCELLED'; // a late outcome is then ignored
      this.rt.liveActions.delete(actionId);
    }
    this.rt.releaseExec(e);
    this.rt.settled(e);
  }

  /** Runs an action outside any workflow (`POST /v2/action_executions`): see `StandaloneActions`. */
  startAction(req: StandaloneActionRequest): Promise<StandaloneOutcome> {
    return this.standalone.start(req);
  }

  async completeAction(id: string, req: CompleteActionRequest): Promise<ActionExecutionRecord> {
    const stored = await this.opts.store.getActionExecution(id);
    if (stored && stored.workflowExecutionId === '') return this.standalone.complete(stored, req);
    const remote = stored
      ? await this.forward(stored.workflowExecutionId, { kind: 'complete-action', id, args: { ...req } })
      : undefined;
    if (remote) return remote.value as ActionExecutionRecord;
    return this.rt.kernel.run(() => structuredClone(this.rt.items.completeAsync(id, req)));
  }

  async rerunTask(taskId: string): Promise<TaskRecord> {
    const row = await this.opts.store.getTask(taskId);
    if (!row) throw new NotFoundError('task', taskId);
    const remote = await this.forward(row.record.workflowExecutionId, {
      kind: 'rerun-task',
      id: taskId,
      args: {},
    });
    if (remote) return remote.value as TaskRecord;
    await this.recovery.ensureLoaded(row.record.workflowExecutionId, true);
    return this.rt.kernel.run(() => {
      const t = this.rt.liveTasks.get(taskId) ?? notInMemory(row.record);
      this.rt.workflows.rerunTask(t);
      return structuredClone(t.rec);
    });
  }

  async skipTask(taskId: string): Promise<TaskRecord> {
    const row = await this.opts.store.getTask(taskId);
    if (!row) throw new NotFoundError('task', taskId);
    const remote = await this.forward(row.record.workflowExecutionId, {
      kind: 'skip-task',
      id: taskId,
      args: {},
    });
    if (remote) return remote.value as TaskRecord;
    await this.recovery.ensureLoaded(row.record.workflowExecutionId, true);
    return this.rt.kernel.run(() => {
      const t = this.rt.liveTasks.get(taskId) ?? notInMemory(row.record);
      this.rt.workflows.skipTask(t);
      return structuredClone(t.rec);
    });
  }

  // ---- reads (committed state)
  async getExecution(id: string): Promise<ExecutionRecord> {
    const row = await this.opts.store.getExecution(id);
    if (!row) throw new NotFoundError('execution', id);
    return row.record;
  }

  listTasks(executionId: string): Promise<TaskRecord[]> {
    return this.opts.store.listTasks({ workflowExecutionId: executionId });
  }

  listActionExecutions(taskId: string): Promise<ActionExecutionRecord[]> {
    return this.opts.store.listActionExecutions({ taskExecutionId: taskId });
  }

  /** One page of executions (every execution, sub-workflows included, unless the filter says otherwise). */
  listExecutions(filter: ExecutionFilter = {}): Promise<ExecutionRecord[]> {
    return this.opts.store.listExecutions(filter);
  }

  /** One page of task executions, of any execution unless the filter names one. */
  findTasks(filter: TaskFilter = {}): Promise<TaskRecord[]> {
    return this.opts.store.listTasks(filter);
  }

  /** One page of action executions. */
  findActionExecutions(filter: ActionFilter = {}): Promise<ActionExecutionRecord[]> {
    return this.opts.store.listActionExecutions(filter);
  }

  async getTask(id: string): Promise<TaskRecord> {
    const row = await this.opts.store.getTask(id);
    if (!row) throw new NotFoundError('task execution', id);
    return row.record;
  }

  async getActionExecution(id: string): Promise<ActionExecutionRecord> {
    const rec = await this.opts.store.getActionExecution(id);
    if (!rec) throw new NotFoundError('action execution', id);
    return rec;
  }

  readEvents(filter?: Parameters<Store['readEvents']>[0]): Promise<OutboxEvent[]> {
    return this.opts.store.readEvents(filter);
  }

  /**
   * What the engine holds in memory: unfinished executions (and finished ones with work still in flight), and
   * the task executions they still read (`runtime/history.ts`). For the metrics.
   */
  inMemory(): { executions: number; tasks: number } {
    return { executions: this.rt.liveExecs.size, tasks: this.rt.liveTasks.size };
  }

  /** In-process subscription to events, called after they are committed. */
  onEvent(listener: EventListener): () => void {
    return this.rt.subscribe(listener);
  }

  /**
   * Events committed by every node sharing the store, in outbox order (with ids); on a store of its own, the
   * same as `onEvent`. For readers that must see the whole cluster, such as the WebSocket stream.
   */
  onAnyNodeEvent(listener: (ev: Omit<OutboxEvent, 'id'>) => void): () => void {
    const cluster = this.opts.store.cluster;
    if (!cluster) return this.onEvent(listener);
    this.feed ??= new ClusterFeed(this.opts.store, cluster, (fn) => this.onEvent(fn), this.rt.logger);
    return this.feed.subscribe(listener);
  }

  /**
   * Resolves with the execution once it is terminal (or in one of `states`), as committed.
   */
  async waitFor(
    id: string,
    states: WorkflowState[] = ['SUCCESS', 'ERROR', 'CANCELLED'],
  ): Promise<ExecutionRecord> {
    for (;;) {
      const waiting = this.rt.waitSettled(id);
      const rec = await this.getExecution(id);
      if (states.includes(rec.state)) return rec;
      await waiting;
    }
  }

  /** Resolves once no work is queued and everything is committed. */
  idle(): Promise<void> {
    return this.rt.kernel.idle();
  }

  async close(): Promise<void> {
    if (this.takeover) clearInterval(this.takeover);
    this.stopDefinitionWatch?.();
    this.feed?.close();
    this.standalone.close();
    await this.rt.kernel.close();
    this.rt.timers.cancelAll();
    // A registry the engine created is the engine's to release (HTTP keep-alive sockets).
    if (!this.opts.actions) await this.rt.registry.close();
    await this.opts.store.close();
  }
}

/**
 * A task of a loaded execution that is not in memory: a finished task the execution no longer reads
 * (`runtime/history.ts` keeps every ERROR task), so it cannot be re-run or skipped; the same answer as for one
 * in memory.
 */
function notInMemory(task: TaskRecord): never {
  if (task.state !== 'ERROR') throw new InvalidStateError(`task ${task.id} is ${task.state}, not ERROR`);
  throw new NotFoundError('task', task.id);
}
