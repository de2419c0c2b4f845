/**
 * Mistral's REST API v2, one method per endpoint the CLI uses. Lists unwrap their envelope
 * (`{"executions": [...]}`) and every resource comes back decoded (JSON-text fields parsed, see `wire.ts`);
 * request bodies carry JSON-text fields as text, the way python-mistralclient sends them.
 */
import type { TaskState, WorkflowState } from '../../engine/index.js';
import type { HttpClient, Query } from './http.js';
import {
  decode,
  encodeJsonText,
  type Action,
  type ActionExecution,
  type CronTrigger,
  type DeliveryStatus,
  type Environment,
  type EventAttempt,
  type EventResource,
  type Execution,
  type Listener,
  type ListenerBody,
  type Resource,
  type ResourceKind,
  type Task,
  type Validation,
  type Workbook,
  type Workflow,
} from './wire.js';

export interface ExecutionFilter {
  workflowName?: string;
  state?: string;
  limit?: number;
  /** Oldest first; by default the newest come first (python-mistralclient's `--oldest`). */
  oldest?: boolean;
}

export interface NewExecution {
  workflowName: string;
  input?: Record<string, unknown>;
  params?: Record<string, unknown>;
  description?: string;
}

export interface NewCronTrigger {
  name: string;
  workflowName: string;
  pattern?: string;
  input?: Record<string, unknown>;
  params?: Record<string, unknown>;
  count?: number;
  firstTime?: string;
}

export interface EnvironmentDocument {
  name: string;
  description?: string;
  variables?: Record<string, unknown>;
  scope?: string;
}

/** `GET /v2/events`: every filter optional; `limit` is how many events to return in all (pages followed). */
export interface EventListFilter {
  executionId?: string;
  /** `EXECUTION`, `TASK` or exact event types. */
  eventTypes?: string[];
  /** true: only delivered events; false: only events not (yet) delivered to every listener (the server counts
   * an event no listener wanted as not delivered). */
  isDelivered?: boolean;
  /** Only events some listener wanted (with at least one delivery). */
  withDeliveries?: boolean;
  /** @default 100 */
  limit?: number;
}

/** `GET /v2/event_attempts`: oldest first. */
export interface AttemptListFilter {
  eventIds?: number[];
  listenerIds?: string[];
  /** How many attempts in all (pages followed); Infinity: every one. @default 100 */
  limit?: number;
}

/** A receiver's update of a status (`PUT /v2/statuses/{id}`). */
export interface StatusUpdate {
  status: 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'timed_out';
  output?: { title?: string; summary?: string };
}

/** The state an action execution may be completed with (`PUT /v2/action_executions/{id}`). */
export type CompletionState = Extract<TaskState, 'SUCCESS' | 'ERROR' | 'CANCELLED'>;

const seg = encodeURIComponent;

/** A bound on `next` links followed, should a server keep sending them. */
const MAX_PAGES = 1000;

/** The largest page the cursor-paged delivery lists (`/v2/events`, `/v2/event_attempts`) give. */
const CURSOR_PAGE_MAX = 100;

function follow(link: string): { path: string; query: Query } {
  const url = new URL(link, 'http://next.invalid');
  // The API path from `/v2` on: the base URL supplies whatever prefix a proxy adds before it.
  const at = url.pathname.indexOf('/v2/');
  return {
    path: at >= 0 ? url.pathname.slice(at) : url.pathname,
    query: Object.fromEntries(url.searchParams),
  };
}

export class TramApi {
  constructor(readonly http: HttpClient) {}

  /**
   * One page of a list, or with `all` every page: the server adds a `next` link to a full page, whose path and
   * query are followed on our base URL (a proxy in front may have rewritten the host).
   */
  private async list<T extends Resource>(
    path: string,
    envelope: string,
    kind: ResourceKind,
    query?: Query,
    all = false,
  ): Promise<T[]> {
    const out: T[] = [];
    let next: { path: string; query?: Query } | null = { path, query };
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const body: Record<string, unknown> | undefined = await this.http.get(next.path, next.query);
      const items: unknown = body?.[envelope];
      if (Array.isArray(items)) out.push(...(items as T[]).map((r) => decode(kind, r)));
      next =
        all && typeof body?.next === 'string' && Array.isArray(items) && items.length
          ? follow(body.next)
          : null;
    }
    return out;
  }

  /**
   * Items of a cursor-paged list (`{<envelope>: [...], cursor}`), following the cursor until `max` items or the
   * last page. A page may hold fewer items than asked (a filter applied after paging) while its cursor leads on.
   */
  private async cursorList<T>(
    path: string,
    envelope: string,
    query: Query,
    max: number,
    keep: (item: T) => boolean = () => true,
  ): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; out.length < max && page < MAX_PAGES; page++) {
      const limit = Math.min(CURSOR_PAGE_MAX, max - out.length);
      const body: Record<string, unknown> | undefined = await this.http.get(path, {
        ...query,
        limit,
        cursor,
      });
      const items: unknown = body?.[envelope];
      if (Array.isArray(items)) out.push(...(items as T[]).filter(keep).slice(0, max - out.length));
      const next = body?.cursor;
      if (typeof next !== 'string' || next === '') break;
      cursor = next;
    }
    return out;
  }

  private async one<T extends Resource>(kind: ResourceKind, pending: Promise<T>): Promise<T> {
    return decode(kind, await pending);
  }

  // ---- workbooks
  listWorkbooks(): Promise<Workbook[]> {
    return this.list('/v2/workbooks', 'workbooks', 'none');
  }
  getWorkbook(name: string): Promise<Workbook> {
    return this.http.get(`/v2/workbooks/${seg(name)}`);
  }
  createWorkbook(yaml: string): Promise<Workbook> {
    return this.http.post('/v2/workbooks', { text: yaml });
  }
  updateWorkbook(yaml: string): Promise<Workbook> {
    return this.http.put('/v2/workbooks', { text: yaml });
  }
  deleteWorkbook(name: string): Promise<void> {
    return this.http.delete(`/v2/workbooks/${seg(name)}`);
  }
  validateWorkbook(yaml: string): Promise<Validation> {
    return this.http.post('/v2/workbooks/validate', { text: yaml });
  }

  // ---- workflows (standalone workflow documents; one upload may define several)
  listWorkflows(): Promise<Workflow[]> {
    return this.list('/v2/workflows', 'workflows', 'none');
  }
  getWorkflow(idOrName: string): Promise<Workflow> {
    return this.http.get(`/v2/workflows/${seg(idOrName)}`);
  }
  async createWorkflows(yaml: string): Promise<Workflow[]> {
    return (
      (await this.http.post<{ workflows?: Workflow[] }>('/v2/workflows', { text: yaml }))?.workflows ?? []
    );
  }
  async updateWorkflows(yaml: string): Promise<Workflow[]> {
    return (
      (await this.http.put<{ workflows?: Workflow[] }>('/v2/workflows', { text: yaml }))?.workflows ?? []
    );
  }
  deleteWorkflow(idOrName: string): Promise<void> {
    return this.http.delete(`/v2/workflows/${seg(idOrName)}`);
  }
  validateWorkflows(yaml: string): Promise<Validation> {
    return this.http.post('/v2/workflows/validate', { text: yaml });
  }

  // ---- actions
  listActions(): Promise<Action[]> {
    return this.list('/v2/actions', 'actions', 'none');
  }
  getAction(idOrName: string): Promise<Action> {
    return this.http.get(`/v2/actions/${seg(idOrName)}`);
  }

  // ---- executions
  listExecutions(filter: ExecutionFilter = {}): Promise<Execution[]> {
    return this.list('/v2/executions', 'executions', 'execution', {
      workflow_name: filter.workflowName,
      state: filter.state,
      limit: filter.limit,
      sort_keys: 'created_at',
      sort_dirs: filter.oldest ? 'asc' : 'desc',
    });
  }
  getExecution(id: string): Promise<Execution> {
    return this.one('execution', this.http.get(`/v2/executions/${seg(id)}`));
  }
  createExecution(req: NewExecution): Promise<Execution> {
    const body: Record<string, unknown> = { workflow_name: req.workflowName };
    if (req.input) body.input = encodeJsonText(req.input);
    if (req.params) body.params = encodeJsonText(req.params);
    if (req.description !== undefined) body.description = req.description;
    return this.one('execution', this.http.post('/v2/executions', { json: body }));
  }
  /** Pause (PAUSED), resume (RUNNING) or stop (CANCELLED, ERROR, SUCCESS) an execution. */
  setExecutionState(id: string, state: WorkflowState, stateInfo?: string): Promise<Execution> {
    const body: Record<string, unknown> = { state };
    if (stateInfo !== undefined) body.state_info = stateInfo;
    return this.one('execution', this.http.put(`/v2/executions/${seg(id)}`, { json: body }));
  }
  deleteExecution(id: string, force = false): Promise<void> {
    return this.http.delete(`/v2/executions/${seg(id)}`, force ? { force: true } : undefined);
  }
  executionTasks(id: string): Promise<Task[]> {
    return this.list(`/v2/executions/${seg(id)}/tasks`, 'tasks', 'task', undefined, true);
  }

  // ---- tasks
  listTasks(executionId?: string): Promise<Task[]> {
    return this.list('/v2/tasks', 'tasks', 'task', { workflow_execution_id: executionId }, true);
  }
  getTask(id: string): Promise<Task> {
    return this.one('task', this.http.get(`/v2/tasks/${seg(id)}`));
  }
  /** Runs a task in ERROR again from scratch (Mistral's `task-rerun`, `reset: true`). */
  rerunTask(id: string): Promise<Task> {
    return this.one(
      'task',
      this.http.put(`/v2/tasks/${seg(id)}`, { json: { id, state: 'RUNNING', reset: true } }),
    );
  }
  /** Moves a task in ERROR to SKIPPED; its workflow continues along `on-skip` (or as if it succeeded). */
  skipTask(id: string): Promise<Task> {
    return this.one('task', this.http.put(`/v2/tasks/${seg(id)}`, { json: { id, state: 'SKIPPED' } }));
  }

  // ---- action executions
  listActionExecutions(taskId?: string): Promise<ActionExecution[]> {
    return this.list('/v2/action_executions', 'action_executions', 'actionExecution', {
      task_execution_id: taskId,
      include_output: 'true',
    });
  }
  getActionExecution(id: string): Promise<ActionExecution> {
    return this.one('actionExecution', this.http.get(`/v2/action_executions/${seg(id)}`));
  }
  /** Completes an asynchronous action with its result (`output`) or failure. */
  completeActionExecution(id: string, state: CompletionState, output?: unknown): Promise<ActionExecution> {
    const body: Record<string, unknown> = { state };
    if (output !== undefined) body.output = encodeJsonText(output);
    return this.one('actionExecution', this.http.put(`/v2/action_executions/${seg(id)}`, { json: body }));
  }

  // ---- cron triggers
  listCronTriggers(): Promise<CronTrigger[]> {
    return this.list('/v2/cron_triggers', 'cron_triggers', 'cronTrigger');
  }
  getCronTrigger(name: string): Promise<CronTrigger> {
    return this.one('cronTrigger', this.http.get(`/v2/cron_triggers/${seg(name)}`));
  }
  createCronTrigger(req: NewCronTrigger): Promise<CronTrigger> {
    const body: Record<string, unknown> = { name: req.name, workflow_name: req.workflowName };
    if (req.pattern !== undefined) body.pattern = req.pattern;
    if (req.input) body.workflow_input = encodeJsonText(req.input);
    if (req.params) body.workflow_params = encodeJsonText(req.params);
    if (req.count !== undefined) body.remaining_executions = req.count;
    if (req.firstTime !== undefined) body.first_execution_time = req.firstTime;
    return this.one('cronTrigger', this.http.post('/v2/cron_triggers', { json: body }));
  }
  deleteCronTrigger(name: string): Promise<void> {
    return this.http.delete(`/v2/cron_triggers/${seg(name)}`);
  }

  // ---- listeners (Tramontane: durable delivery of events over HTTP webhooks and AMQP)
  listListeners(): Promise<Listener[]> {
    return this.list('/v2/listeners', 'listeners', 'none', undefined, true);
  }
  getListener(id: string): Promise<Listener> {
    return this.http.get(`/v2/listeners/${seg(id)}`);
  }
  /** The answer carries the listener's signing `secret`: the only time the server shows it. */
  createListener(body: ListenerBody): Promise<Listener> {
    return this.http.post('/v2/listeners', { json: body });
  }
  /** Changes the fields given; `scope` and `transport` are replaced whole. */
  updateListener(id: string, patch: ListenerBody): Promise<Listener> {
    return this.http.put(`/v2/listeners/${seg(id)}`, { json: patch });
  }
  deleteListener(id: string): Promise<void> {
    return this.http.delete(`/v2/listeners/${seg(id)}`);
  }
  /** The listener's signing secret (by id or name); `rotate` gives it a new one first. */
  listenerSecret(idOrName: string, rotate = false): Promise<{ id: string; name: string; secret: string }> {
    const path = `/v2/listeners/${seg(idOrName)}/secret`;
    return rotate ? this.http.request('POST', path) : this.http.get(path);
  }
  /** Puts the listener's deliveries given up since `since` back in the queue; resolves with how many. */
  async recoverListener(id: string, since: string): Promise<number> {
    const body = await this.http.request<{ recovered?: number }>(
      'POST',
      `/v2/listeners/${seg(id)}/recover`,
      undefined,
      { since },
    );
    return body?.recovered ?? 0;
  }

  // ---- events and their delivery
  listEvents(filter: EventListFilter = {}): Promise<EventResource[]> {
    return this.cursorList(
      '/v2/events',
      'events',
      {
        execution_id: filter.executionId,
        event_types: filter.eventTypes?.join(','),
        is_delivered: filter.isDelivered,
      },
      filter.limit ?? CURSOR_PAGE_MAX,
      filter.withDeliveries ? (e) => e.deliveries.length > 0 : undefined,
    );
  }
  getEvent(id: string): Promise<EventResource> {
    return this.http.get(`/v2/events/${seg(id)}`);
  }
  /** One immediate attempt per delivery of the event (or only `listenerId`'s); resolves with the attempts. */
  async redeliverEvent(id: string, listenerId?: string): Promise<EventAttempt[]> {
    const body = listenerId === undefined ? {} : { listener_id: listenerId };
    const res = await this.http.post<{ attempts?: EventAttempt[] }>(`/v2/events/${seg(id)}/redeliver`, {
      json: body,
    });
    return res?.attempts ?? [];
  }
  listEventAttempts(filter: AttemptListFilter = {}): Promise<EventAttempt[]> {
    return this.cursorList(
      '/v2/event_attempts',
      'attempts',
      { event_ids: filter.eventIds?.join(','), listener_ids: filter.listenerIds?.join(',') },
      filter.limit ?? CURSOR_PAGE_MAX,
    );
  }

  // ---- statuses (what receivers did with the deliveries of listeners that have statuses)
  /** The statuses of an execution and its sub-workflows, oldest first. */
  async executionStatuses(id: string): Promise<DeliveryStatus[]> {
    const body = await this.http.get<{ statuses?: DeliveryStatus[] }>(`/v2/executions/${seg(id)}/statuses`);
    return body?.statuses ?? [];
  }
  updateStatus(id: string, update: StatusUpdate): Promise<DeliveryStatus> {
    return this.http.put(`/v2/statuses/${seg(id)}`, { json: update });
  }

  // ---- environments
  listEnvironments(): Promise<Environment[]> {
    return this.list('/v2/environments', 'environments', 'environment');
  }
  getEnvironment(name: string): Promise<Environment> {
    return this.one('environment', this.http.get(`/v2/environments/${seg(name)}`));
  }
  createEnvironment(doc: EnvironmentDocument): Promise<Environment> {
    return this.one('environment', this.http.post('/v2/environments', { json: environmentBody(doc) }));
  }
  updateEnvironment(doc: EnvironmentDocument): Promise<Environment> {
    return this.one('environment', this.http.put('/v2/environments', { json: environmentBody(doc) }));
  }
  deleteEnvironment(name: string): Promise<void> {
    return this.http.delete(`/v2/environments/${seg(name)}`);
  }
}

function environmentBody(doc: EnvironmentDocument): Record<string, unknown> {
  const body: Record<string, unknown> = { name: doc.name };
  if (doc.description !== undefined) body.description = doc.description;
  if (doc.variables !== undefined) body.variables = encodeJsonText(doc.variables);
  if (doc.scope !== undefined) body.scope = doc.scope;
  return body;
}
