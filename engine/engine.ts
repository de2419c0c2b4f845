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
  InvalidInputError,
  InvalidStateError,
  NotFoundError,
  systemClock,
  type Clock,
} from '../common/index.js';
import type { Store } from '../store/index.js';
import { Definitions, type SaveOptions, type SavedDocument } from './definitions.js';
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
  /** Base URL of the REST API, for async actions' callback URL. */
  callbackBaseUrl?: string;
}

const silent: Logger = { error: () => undefined, warn: () => undefined };

export class Engine {
  readonly definitions: Definitions;
  private readonly rt: Runtime;
  private readonly recovery: Recovery;

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
      callbackBaseUrl: opts.callbackBaseUrl,
    });
    this.recovery = new Recovery(this.rt);
  }

  static async start(opts: EngineOptions): Promise<Engine> {
    const engine = new Engine(opts);
    await engine.definitions.load();
    await engine.recovery.recoverAll();
    return engine;
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
    const doc = this.definitions.parse(text, opts?.file);
    return this.definitions.save(text, doc.kind, { ...opts, update: false }).catch(async (err: unknown) => {
      if ((err as { code?: string }).code !== 'CONFLICT') throw err;
      return this.definitions.save(text, doc.kind, { ...opts, update: true });
    });
  }

  // ---- executions
  async startExecution(req: StartExecutionRequest): Promise<ExecutionRecord> {
    if (req.id) {
      const existing = await this.opts.store.getExecution(req.id);
      if (existing) return existing.record;
    }
    const row = this.definitions.workflowRow(req.workflow);
    if (!row) throw new NotFoundError('workflow', req.workflow);
    const params = { ...(req.params ?? {}) };
    const env = await this.resolveEnv(params.env);
    return this.rt.kernel.run(() => {
      const e = this.rt.workflows.start({
        spec: row.spec,
        workflowId: row.id,
        input: req.input ?? {},
        params,
        env,
        description: req.description,
        id: req.id,
      });
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
    await this.recovery.ensureLoaded(id);
    return this.rt.kernel.run(() => {
      const e = this.rt.liveExecs.get(id);
      if (!e) throw new InvalidStateError(`execution ${id} is not running`);
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
  }

  async completeAction(id: string, req: CompleteActionRequest): Promise<ActionExecutionRecord> {
    return this.rt.kernel.run(() => structuredClone(this.rt.items.completeAsync(id, req)));
  }

  async rerunTask(taskId: string): Promise<TaskRecord> {
    const row = await this.opts.store.getTask(taskId);
    if (!row) throw new NotFoundError('task', taskId);
    await this.recovery.ensureLoaded(row.record.workflowExecutionId, true);
    return this.rt.kernel.run(() => {
      const t = this.rt.liveTasks.get(taskId);
      if (!t) throw new NotFoundError('task', taskId);
      this.rt.workflows.rerunTask(t);
      return structuredClone(t.rec);
    });
  }

  async skipTask(taskId: string): Promise<TaskRecord> {
    const row = await this.opts.store.getTask(taskId);
    if (!row) throw new NotFoundError('task', taskId);
    await this.recovery.ensureLoaded(row.record.workflowExecutionId, true);
    return this.rt.kernel.run(() => {
      const t = this.rt.liveTasks.get(taskId);
      if (!t) throw new NotFoundError('task', taskId);
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

  readEvents(filter?: Parameters<Store['readEvents']>[0]): Promise<OutboxEvent[]> {
    return this.opts.store.readEvents(filter);
  }

  /** In-process subscription to events, called after they are committed. */
  onEvent(listener: EventListener): () => void {
    return this.rt.subscribe(listener);
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
    await this.rt.kernel.close();
    this.rt.timers.cancelAll();
    // A registry the engine created is the engine's to release (HTTP keep-alive sockets).
    if (!this.opts.actions) await this.rt.registry.close();
    await this.opts.store.close();
  }
}
