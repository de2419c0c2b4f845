/**
 * Actions run on their own, outside any workflow (`POST /v2/action_executions`, `mistral run-action`), with the
 * outcomes of Mistral's `default_engine.start_action`:
 * - `run_sync`: the action runs now and the answer carries its result (stored too with `save_result`); an
 *   action that completes asynchronously is refused;
 * - `save_result` without `run_sync`: the action execution is stored RUNNING and answered at once; the action
 *   runs in the background and its row is updated when it ends;
 * - neither: the action runs now and the answer carries its result, stored nowhere; unless the action turns out
 *   to be asynchronous: then it is stored RUNNING, as Mistral stores every asynchronous run.
 * An asynchronous one ends with `PUT /v2/action_executions/{id}` (`complete`), as a task's does.
 *
 * A stored one belongs to no workflow execution (`workflowExecutionId` ''). One that was running in this process
 * when it stopped is failed at the next start ("interrupted"); an asynchronous one keeps waiting. On a store
 * shared by several nodes that clean-up is skipped (the run may be another node's).
 */
import { runAction, type ActionContext, type ActionRegistry } from '../actions/index.js';
import { InvalidInputError, TramError, newId, type Clock } from '../common/index.js';
import type { Store } from '../store/index.js';
import { describeError } from './runtime/errors.js';
import type { ActionExecutionRecord, CompleteActionRequest } from './types.js';

export interface StandaloneActionRequest {
  name: string;
  input: Record<string, unknown>;
  description: string;
  namespace: string;
  saveResult: boolean;
  runSync: boolean;
  /** Seconds before the action is aborted; none when absent. */
  timeout?: number;
}

export interface StandaloneOutcome {
  record: ActionExecutionRecord;
  /** Whether the record is stored (it has an id the API can read back). */
  saved: boolean;
}

export interface StandaloneActionsOptions {
  store: Store;
  registry: ActionRegistry;
  clock: Clock;
  /** Whether `name` is an ad-hoc action (those run only inside a workflow). */
  isAdHoc: (name: string, namespace: string) => boolean;
  /** Base URL of the REST API, for async actions' callback URL. */
  callbackBaseUrl?: string;
}

type RunEnd = 'ended' | 'async' | 'abandoned';

const EMPTY = {
  executions: [],
  tasks: [],
  events: [],
  timersSet: [],
  timersCleared: [],
};

export class StandaloneActions {
  /** Runs of this process still in flight, by action execution id. */
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly opts: StandaloneActionsOptions) {}

  /** Fails the stored runs a stopped process left RUNNING (asynchronous ones keep waiting for their result). */
  async recover(): Promise<void> {
    const left = await this.opts.store.listActionExecutions({ workflowExecutionId: '', state: 'RUNNING' });
    const interrupted = left.filter((r) => !r.isAsync);
    for (const r of interrupted) this.end(r, false, 'interrupted: the server stopped while the action ran');
    if (interrupted.length) await this.save(...interrupted);
  }

  async start(req: StandaloneActionRequest): Promise<StandaloneOutcome> {
    if (this.opts.isAdHoc(req.name, req.namespace)) {
      throw new InvalidInputError(`ad-hoc action '${req.name}' can only run inside a workflow`, 'name');
    }
    if (!this.opts.registry.get(req.name)) {
      // Mistral's code and text, and the field at fault for the 400.
      const err = new TramError('ACTION_NOT_FOUND', `Failed to find action [action_name=${req.name}]`);
      throw Object.assign(err, { field: 'name' });
    }
    const input = this.opts.registry.prepareInput(req.name, req.input);
    const now = this.opts.clock.now();
    const rec: ActionExecutionRecord = {
      id: newId(),
      name: req.name,
      taskExecutionId: null,
      workflowExecutionId: '',
      workflowName: '',
      workflowNamespace: req.namespace,
      description: req.description,
      taskName: null,
      state: 'RUNNING',
      stateInfo: null,
      input,
      output: null,
      kind: 'action',
      index: 0,
      accepted: true,
      attempt: 1,
      createdAt: now,
      updatedAt: now,
    };
    if (req.saveResult && !req.runSync) {
      // Answered RUNNING, as Mistral does: the run starts once that state is stored.
      const answer = structuredClone(rec);
      await this.save(answer);
      void this.run(rec, req.timeout)
        .then((how) => (how === 'abandoned' ? undefined : this.save(rec)))
        .catch(() => undefined);
      return { record: answer, saved: true };
    }
    const how = await this.run(rec, req.timeout);
    if (how === 'async' && req.runSync) {
      this.running.get(rec.id)?.abort();
      this.running.delete(rec.id);
      throw new InvalidInputError('Action does not support synchronous execution.', 'params.run_sync');
    }
    const saved = how === 'async' || req.saveResult;
    if (saved) await this.save(rec);
    return { record: structuredClone(rec), saved };
  }

  /** `PUT /v2/action_executions/{id}` for a stored standalone run. */
  async complete(rec: ActionExecutionRecord, req: CompleteActionRequest): Promise<ActionExecutionRecord> {
    if (rec.state !== 'RUNNING') {
      throw new TramError('INVALID_STATE', `action execution ${rec.id} is not running`);
    }
    this.running.get(rec.id)?.abort(new Error('completed through the API'));
    this.running.delete(rec.id);
    const out = req.output ?? null;
    this.end(rec, req.state === 'SUCCESS', req.state === 'CANCELLED' ? 'Cancelled' : out, req.state);
    await this.save(rec);
    return rec;
  }

  close(): void {
    for (const abort of this.running.values()) abort.abort(new Error('engine closed'));
    this.running.clear();
  }

  /**
   * Runs the action: `ended` when `rec` holds its outcome, `async` when the action answered that it completes
   * later (through `complete`), `abandoned` when it was completed or closed meanwhile (`rec` left as it was).
   */
  private async run(rec: ActionExecutionRecord, timeout: number | undefined): Promise<RunEnd> {
    const def = this.opts.registry.get(rec.name);
    if (!def) throw new TramError('ACTION_NOT_FOUND', `Failed to find action [action_name=${rec.name}]`);
    const abort = new AbortController();
    this.running.set(rec.id, abort);
    const timer =
      timeout !== undefined
        ? setTimeout(() => abort.abort(new Error(`timed out after ${timeout}s`)), timeout * 1000)
        : undefined;
    const base = this.opts.callbackBaseUrl;
    const ctx: ActionContext = {
      workflowExecutionId: '',
      rootExecutionId: '',
      taskExecutionId: '',
      actionExecutionId: rec.id,
      workflowName: '',
      taskName: '',
      signal: abort.signal,
      env: {},
      callbackUrl: base ? `${base}/v2/action_executions/${rec.id}` : undefined,
    };
    try {
      const out = await runAction(def, rec.input, ctx);
      if (this.running.get(rec.id) !== abort) return 'abandoned';
      if ('async' in out) {
        rec.isAsync = true;
        return 'async';
      }
      this.end(rec, out.ok, out.ok ? out.data : out.error);
      return 'ended';
    } catch (err) {
      if (this.running.get(rec.id) !== abort) return 'abandoned';
      this.end(rec, false, (err as Error).message);
      return 'ended';
    } finally {
      clearTimeout(timer);
      if (!rec.isAsync && this.running.get(rec.id) === abort) this.running.delete(rec.id);
    }
  }

  private end(
    rec: ActionExecutionRecord,
    ok: boolean,
    value: unknown,
    state?: CompleteActionRequest['state'],
  ): void {
    rec.state = state ?? (ok ? 'SUCCESS' : 'ERROR');
    rec.output = { result: value ?? null };
    rec.stateInfo = ok ? null : describeError(value);
    rec.updatedAt = this.opts.clock.now();
  }

  private save(...actions: ActionExecutionRecord[]): Promise<void> {
    return this.opts.store.commit({ ...EMPTY, actions });
  }
}
