/**
 * The store contract. The engine keeps the hot state of running executions in memory and writes every state
 * change through `commit(changes)`: one call is one atomic transaction holding the new execution, task and
 * action rows, the outbox events they emitted and the timers they armed or cleared. Reads serve the API, the
 * CLI and recovery after a restart.
 *
 * Every method is async so that a networked store (PostgreSQL, for several engine nodes) implements the same
 * interface; the embedded SQLite store answers synchronously under the hood.
 */

import type { DocumentSpec, WorkflowSpec, AdHocActionSpec } from '../dsl/spec.js';
import type {
  ActionExecutionRecord,
  ExecutionRecord,
  OutboxEvent,
  TaskRecord,
  WorkflowState,
  TaskState,
  Attempt,
  Delivery,
  Listener,
  ListenerOrigin,
  StatusRecord,
} from '../model/index.js';

/** Engine bookkeeping persisted with an execution, beside Mistral's fields. */
export interface ExecutionRuntime {
  /** The context the first tasks see: input (with defaults) and evaluated `vars`. */
  initialContext: Record<string, unknown>;
  /** Last event sequence number used. */
  seq: number;
  /** The execution machine's persisted context. */
  machine: Record<string, unknown>;
  /** Work held back while the execution is paused (serialised commands). */
  deferred: unknown[];
  /** The workflow spec the execution runs (a copy: later edits of the definition do not affect it). */
  spec: WorkflowSpec;
  /** Execution-level hook progress. */
  hooks?: Record<string, unknown>;
  /** Resolved environment. */
  env: Record<string, unknown>;
  /** The last task error, for hooks (`$.execution.error`). */
  lastError?: string | null;
}

export interface ExecutionRow {
  record: ExecutionRecord;
  runtime: ExecutionRuntime;
}

export interface TaskRow {
  record: TaskRecord;
  /** The task machine's persisted context. */
  machine: Record<string, unknown>;
}

export interface TimerRow {
  id: string;
  executionId: string;
  taskExecutionId: string | null;
  kind: string;
  dueAt: number;
  payload: Record<string, unknown>;
}

/** Everything one engine step changed. Applied atomically by `commit`. */
export interface ChangeSet {
  executions: ExecutionRow[];
  tasks: TaskRow[];
  actions: ActionExecutionRecord[];
  /** New outbox events; the store assigns `id`. */
  events: Omit<OutboxEvent, 'id'>[];
  timersSet: TimerRow[];
  timersCleared: string[];
  /** Task executions whose results are dropped (`keep-result: false`): the outputs of their action executions
   * and child workflow executions become `{}`, as Mistral's. Applied after the rows above. */
  resultsDropped?: string[];
  /** Task executions re-run from the start: their earlier action executions stop counting (`accepted: false`,
   * as Mistral marks them), so that recovery sees only the re-run's. Applied before the rows above. */
  supersededRuns?: string[];
  /** Messages consumed by event triggers, recorded with the executions they started (exactly once per
   * message and trigger). A receipt that already exists is kept. */
  receipts?: MessageReceipt[];
}

export interface WorkbookRow {
  name: string;
  namespace: string;
  definition: string;
  spec: DocumentSpec;
  tags: string[];
  scope: string;
  createdAt: number;
  updatedAt: number;
}

export interface WorkflowDefinitionRow {
  id: string;
  name: string;
  namespace: string;
  workbookName: string | null;
  definition: string;
  spec: WorkflowSpec;
  tags: string[];
  scope: string;
  createdAt: number;
  updatedAt: number;
}

export interface ActionDefinitionRow {
  id: string;
  name: string;
  namespace: string;
  workbookName: string | null;
  definition: string;
  spec: AdHocActionSpec;
  tags: string[];
  scope: string;
  createdAt: number;
  updatedAt: number;
}

export interface EnvironmentRow {
  id: string;
  name: string;
  description: string;
  variables: Record<string, unknown>;
  scope: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * A Mistral cron trigger: starts `workflowName` with `workflowInput` and `workflowParams` at
 * `nextExecutionTime`, then at each later time of `pattern`, `remainingExecutions` times (null: forever).
 */
export interface CronTriggerRow {
  id: string;
  name: string;
  /** A node-cron pattern (5 fields, or 6 with seconds first), evaluated in UTC; null for a one-off trigger. */
  pattern: string | null;
  workflowName: string;
  workflowId: string;
  workflowInput: Record<string, unknown>;
  workflowParams: Record<string, unknown>;
  /** Epoch ms, as requested at creation; null when the first run came from the pattern. */
  firstExecutionTime: number | null;
  /** Epoch ms of the next run. */
  nextExecutionTime: number;
  /** Runs left, counting the next one; null: unlimited. */
  remainingExecutions: number | null;
  scope: string;
  createdAt: number;
  updatedAt: number;
}

export interface CronTriggerFilter extends ListOptions {
  name?: string;
  workflowName?: string;
  workflowId?: string;
  pattern?: string;
  scope?: string;
}

/** What a cron trigger becomes once a run is claimed: rescheduled, or removed after its last run. */
export type CronTriggerAdvance = { nextExecutionTime: number; remainingExecutions: number | null } | 'delete';

/**
 * A Mistral event trigger: each OpenStack notification of type `event` arriving on (`exchange`, `topic`)
 * starts `workflowId` with `workflowInput` and `workflowParams` (plus the event, as `params.event_params`).
 * `filter` and `inputMap` are Tramontane's extensions: a YAQL condition over the notification, and input
 * values computed from it.
 */
export interface EventTriggerRow {
  id: string;
  name: string;
  workflowId: string;
  workflowInput: Record<string, unknown>;
  workflowParams: Record<string, unknown>;
  exchange: string;
  topic: string;
  event: string;
  scope: string;
  /** YAQL over the notification view; falsy: the message starts nothing. Null: every message. */
  filter: string | null;
  /** Input values evaluated over the notification view, merged over `workflowInput`. */
  inputMap: Record<string, unknown> | null;
  createdAt: number;
  /** Null until the first update (as Mistral shows it). */
  updatedAt: number | null;
}

export interface EventTriggerFilter extends ListOptions {
  name?: string;
  workflowId?: string;
  exchange?: string;
  topic?: string;
  event?: string;
  scope?: string;
}

/**
 * What became of one message for one trigger. `started` receipts are written by the engine's commit, in the
 * transaction that creates the execution (`ChangeSet.receipts`); `dead` ones when the message was
 * dead-lettered. Either way a redelivery of the message starts nothing new.
 */
export interface MessageReceipt {
  triggerId: string;
  messageId: string;
  outcome: 'started' | 'dead';
  executionId: string | null;
  reason: string | null;
  createdAt: number;
}

/** Event triggers and the receipts of the messages they consumed (their own interface, per store). */
/** Mistral's `execution_expiration_policy`, as one sweep applies it. */
export interface ExpirationPolicy {
  /** Top-level executions finished at or before this time (epoch ms) expire; null: no age limit. */
  finishedBefore: number | null;
  /** Only the newest N finished top-level executions are kept; null: no count limit. */
  keepFinished: number | null;
  /** Most executions deleted by one call. */
  limit: number;
}

export interface RetentionStore {
  /**
   * Deletes the finished top-level executions the policy expires, oldest first, each with its whole tree
   * (sub-executions, tasks, action executions, timers, events and their finished deliveries, attempts and
   * statuses). An execution with an event not yet fanned out or still being delivered is kept: retention never
   * loses an event. Resolves the ids deleted.
   */
  expireExecutions(p: ExpirationPolicy): Promise<string[]>;
  /**
   * Deletes up to `limit` outbox events created before `before` that are fanned out and have no pending
   * delivery, except the newest event of each execution (recovery numbers the next events after it).
   * Resolves how many were deleted.
   */
  compactOutbox(before: number, limit: number): Promise<number>;
}

export interface EventTriggerStore {
  /** Refuses a second trigger of the same (exchange, topic, event, workflow) with a `ConflictError`. */
  create(row: EventTriggerRow): Promise<void>;
  get(id: string): Promise<EventTriggerRow | null>;
  list(filter?: EventTriggerFilter): Promise<EventTriggerRow[]>;
  /** Replaces the mutable fields; resolves false when there is no such trigger. */
  update(row: EventTriggerRow): Promise<boolean>;
  /** Deletes the trigger and its receipts. */
  delete(id: string): Promise<boolean>;
  getReceipt(triggerId: string, messageId: string): Promise<MessageReceipt | null>;
  /** Records a receipt outside an engine commit (a dead-lettered message); an existing one is kept. */
  recordReceipt(r: MessageReceipt): Promise<void>;
  /** Forgets receipts created before `before` (epoch ms); resolves how many. */
  pruneReceipts(before: number): Promise<number>;
}

/** One key of a list's order. */
export interface SortKey {
  key: string;
  dir: 'asc' | 'desc';
}

export interface ListOptions {
  limit?: number;
  /** Return rows strictly after this id in the sort order; an id that names no row is refused (`marker`). */
  marker?: string;
  /** The order, most significant key first (default `created_at`); ties are broken by `id` ascending. Keys are
   * checked against the store's allow-list and never reach SQL text. */
  sort?: SortKey[];
}

export interface ExecutionFilter extends ListOptions {
  state?: WorkflowState;
  workflowName?: string;
  parentTaskId?: string;
  /** The executions under this root execution, at any depth (not the root itself, as in Mistral). */
  rootExecutionId?: string;
  /** Only top-level executions (no parent task). */
  topLevel?: boolean;
}

export interface TaskFilter extends ListOptions {
  workflowExecutionId?: string;
  /** The tasks of every execution of this workflow. */
  workflowName?: string;
  state?: TaskState;
  name?: string;
}

export interface ActionFilter extends ListOptions {
  taskExecutionId?: string;
  workflowExecutionId?: string;
  state?: TaskState;
}

export interface EventFilter {
  afterId?: number;
  /** Only events with an id below this one (with `desc`, the cursor of a backwards walk). */
  beforeId?: number;
  limit?: number;
  executionId?: string;
  rootExecutionId?: string;
  acked?: boolean;
  eventTypes?: string[];
  entity?: 'execution' | 'task';
  /** `createdAt` bounds (epoch ms): after is exclusive, before is exclusive. */
  createdAfter?: number;
  createdBefore?: number;
}

/** Unfinished work loaded at start-up so the engine can resume it. */
export interface RecoverySet {
  executions: ExecutionRow[];
  tasks: TaskRow[];
  actions: ActionExecutionRecord[];
  timers: TimerRow[];
  /** The last event sequence number of each execution. */
  sequences: Record<string, number>;
  /** Finished sub-workflow executions started by the unfinished tasks loaded: with-items items already done,
   * which recovery must count rather than start again. */
  finishedChildren: ExecutionRecord[];
}

export interface Store {
  /** Human-readable kind and location, for logs. */
  readonly description: string;

  commit(changes: ChangeSet): Promise<void>;

  // Definitions
  saveDocument(
    workbook: WorkbookRow | null,
    workflows: WorkflowDefinitionRow[],
    actions: ActionDefinitionRow[],
  ): Promise<void>;
  /**
   * Saves a workbook document as `saveDocument` does and, in the same transaction, makes `listeners` the
   * workbook's own (origin `workbook`, owner `workbook.name`, `ownerNamespace` `workbook.namespace`): they are
   * inserted or updated by id, and the workbook's other listeners (those of that name *and* namespace) are
   * deleted with their pending deliveries. Nothing is written when any part
   * fails (a listener name another listener holds is a `ConflictError`).
   */
  saveWorkbook(
    workbook: WorkbookRow,
    workflows: WorkflowDefinitionRow[],
    actions: ActionDefinitionRow[],
    listeners: Listener[],
  ): Promise<void>;
  /**
   * Deletes a workbook as `deleteWorkbook` does (its workflows and actions stay) and, in the same transaction,
   * its listeners (not those of a workbook of the same name in another namespace) with their pending deliveries. False, and nothing deleted, when there is no such workbook.
   */
  removeWorkbook(name: string, namespace: string): Promise<boolean>;
  getWorkbook(name: string, namespace?: string): Promise<WorkbookRow | null>;
  listWorkbooks(opts?: ListOptions): Promise<WorkbookRow[]>;
  /** Deletes the workbook only: the workflows and actions it defined stay (Mistral's `delete_workbook`). */
  deleteWorkbook(name: string, namespace?: string): Promise<boolean>;
  getWorkflowDefinition(nameOrId: string, namespace?: string): Promise<WorkflowDefinitionRow | null>;
  listWorkflowDefinitions(opts?: ListOptions): Promise<WorkflowDefinitionRow[]>;
  deleteWorkflowDefinition(id: string): Promise<boolean>;
  getActionDefinition(nameOrId: string, namespace?: string): Promise<ActionDefinitionRow | null>;
  listActionDefinitions(opts?: ListOptions): Promise<ActionDefinitionRow[]>;
  deleteActionDefinition(id: string): Promise<boolean>;

  // Environments
  putEnvironment(env: EnvironmentRow): Promise<void>;
  getEnvironment(name: string): Promise<EnvironmentRow | null>;
  listEnvironments(): Promise<EnvironmentRow[]>;
  deleteEnvironment(name: string): Promise<boolean>;

  // Cron triggers
  /** Refuses a second trigger of the same name with a `ConflictError`. */
  createCronTrigger(row: CronTriggerRow): Promise<void>;
  getCronTrigger(nameOrId: string): Promise<CronTriggerRow | null>;
  listCronTriggers(filter?: CronTriggerFilter): Promise<CronTriggerRow[]>;
  deleteCronTrigger(nameOrId: string): Promise<boolean>;
  /** Triggers whose next run is at or before `now`, earliest first. */
  listDueCronTriggers(now: number, limit?: number): Promise<CronTriggerRow[]>;
  /**
   * Claims one run of a trigger with a compare-and-swap on its next run time: the update (or delete) applies
   * only if `nextExecutionTime` still equals `expectedNextTime`. Resolves true for the one caller that won, so
   * that engine nodes sharing the store start each run exactly once.
   */
  advanceCronTrigger(id: string, expectedNextTime: number, next: CronTriggerAdvance): Promise<boolean>;

  // Runtime reads
  getExecution(id: string): Promise<ExecutionRow | null>;
  listExecutions(filter?: ExecutionFilter): Promise<ExecutionRecord[]>;
  deleteExecution(id: string): Promise<boolean>;
  getTask(id: string): Promise<TaskRow | null>;
  listTasks(filter?: TaskFilter): Promise<TaskRecord[]>;
  getActionExecution(id: string): Promise<ActionExecutionRecord | null>;
  listActionExecutions(filter?: ActionFilter): Promise<ActionExecutionRecord[]>;
  loadUnfinished(): Promise<RecoverySet>;
  /** The same, for the given executions whatever their state (to re-open a finished one). */
  loadExecutions(ids: string[]): Promise<RecoverySet>;

  // Outbox
  readEvents(filter?: EventFilter): Promise<OutboxEvent[]>;
  ackEvents(ids: number[]): Promise<void>;
  getEvent(id: number): Promise<OutboxEvent | null>;

  /** Listeners, deliveries, attempts and statuses. */
  readonly delivery: DeliveryStore;

  /** Event triggers and their message receipts. */
  readonly eventTriggers: EventTriggerStore;

  /** Present when several engine nodes share the store (PostgreSQL): this node's membership. */
  readonly cluster?: ClusterMembership;
  /** Execution expiration and outbox compaction. */
  readonly retention: RetentionStore;

  close(): Promise<void>;
}

/** A steering call handed to the node that runs the execution (JSON; the engine gives `args` their meaning). */
export interface ClusterCommand {
  kind: 'set-state' | 'complete-action' | 'rerun-task' | 'skip-task' | 'update-execution';
  /** The execution, action execution or task execution steered. */
  id: string;
  args: Record<string, unknown>;
}

/**
 * One engine node among several on one database. Each execution row belongs to the node that wrote it; a node
 * proves it is alive by a heartbeat, and its commits are refused once another node declared it dead (fencing),
 * so two nodes never run one execution. `loadUnfinished` and `loadExecutions` return only what this node owns or
 * took over.
 */
export interface ClusterMembership {
  readonly nodeId: string;
  /** How often the engine should look for executions to take over, in ms. */
  readonly pollMs: number;
  /** Declares nodes whose lease expired dead and takes over their unfinished executions; resolves their ids
   * (whole execution trees). */
  claimOrphans(): Promise<string[]>;
  /** Calls `fn` whenever another node commits outbox events (`events`) or changes definitions
   * (`definitions`); returns the unsubscribe function. */
  onRemote(what: 'events' | 'definitions', fn: () => void): () => void;
  /** The highest outbox id committed by any node (0 when empty): where a reader of every node's events starts. */
  latestEventId(): Promise<number>;
  /**
   * When another live node runs `executionId`, hands `cmd` to it and resolves with its outcome (`{ value }`, or
   * rejects with its typed error); resolves `undefined` when this node may apply it itself (it runs the
   * execution, or nobody live does).
   */
  forward(executionId: string, cmd: ClusterCommand): Promise<{ value: unknown } | undefined>;
  /** How this node applies the commands other nodes hand it. */
  serveCommands(handle: (cmd: ClusterCommand) => Promise<unknown>): void;
  /** Calls `start` once this node holds `role` (one node at a time; a survivor takes it when its holder dies). */
  lead(role: 'delivery', start: () => Promise<void>): void;
  /**
   * Calls `fn` once, when this node finds another node declared it dead (it stalled past its lease and its
   * executions were taken over): every later commit is refused, so the engine's in-memory state can no longer
   * be written. Returns the unsubscribe function.
   */
  onFenced(fn: (err: Error) => void): () => void;
}

// ---- delivery

export interface ListenerFilter {
  origin?: ListenerOrigin;
  owner?: string;
  enabled?: boolean;
  /** Paging by id (listeners are listed in creation order). */
  afterId?: string;
  limit?: number;
}

/** One dispatcher fan-out step, applied atomically: new listeners (from `params.notify`), deliveries, statuses,
 * and the outbox position it reached. Deliveries that already exist (same event and listener) are kept as they
 * are, so a fan-out repeated after a crash creates nothing twice. */
export interface FanOut {
  listeners: Listener[];
  deliveries: Delivery[];
  statuses: StatusRecord[];
  /** The id of the last outbox event examined. */
  cursor: number;
}

/** The outcome of a batch of attempts, applied atomically. */
export interface DeliveryProgress {
  /** Full replacement of the deliveries' mutable fields (state, attempts, nextAttemptAt, lastCode, updatedAt). */
  deliveries: Delivery[];
  /** New attempts; the store assigns `seq`. */
  attempts: Omit<Attempt, 'seq'>[];
  /** Listener changes from outcomes: health, and `enabled` / `disabledReason` when one got disabled. */
  listeners: Array<Pick<Listener, 'id' | 'health' | 'enabled' | 'disabledReason' | 'updatedAt'>>;
  /** A fan-out written with the batch, before its outcomes (as `applyFanOut`, in the same transaction): a
   * delivery whose first outcome came before the write is stored once, in its state after that outcome. */
  fanOut?: FanOut;
}

export interface AttemptFilter {
  /** Attempts with `seq` greater than this (the decoded cursor). */
  afterSeq?: number;
  /** @default 100 */
  limit?: number;
  /** `createdAt` bounds, exclusive. */
  after?: number;
  before?: number;
  eventIds?: number[];
  listenerIds?: string[];
  deliveryId?: string;
}

export interface DeliveryFilter {
  eventIds?: number[];
  listenerId?: string;
  state?: Delivery['state'];
  /** `createdAt` at or after. */
  since?: number;
  /** Event ids greater than this: a keyset cursor when `listenerId` is given (one delivery per event and
   * listener), walked in event order on the (state, event id) index when `state` is given too. */
  afterEventId?: number;
  limit?: number;
}

export interface StatusFilter {
  rootExecutionId?: string;
  executionId?: string;
  taskExecutionId?: string;
  /** Open statuses (queued / in_progress) whose deadline is at or before this time. */
  overdueAt?: number;
  limit?: number;
}

/** A position in a listener's backlog: deliveries are paged in (event id, delivery id) order. */
export interface BacklogKey {
  eventId: number;
  id: string;
}

/**
 * A page of a listener's pending deliveries, in (event id, delivery id) order, strictly after `after` and, when
 * given, at or before `upTo`; `orderKey` narrows it to one queue (listener, root execution). A delivery whose
 * event is no longer in the outbox is left out.
 */
export interface PendingPage {
  listenerId: string;
  after: BacklogKey;
  upTo?: BacklogKey;
  orderKey?: string;
  limit: number;
}

export interface PendingEntry {
  delivery: Delivery;
  event: OutboxEvent;
}

export interface DeliveryStore {
  createListener(l: Listener): Promise<void>;
  /** Replaces every field; resolves false when there is no such listener. */
  updateListener(l: Listener): Promise<boolean>;
  getListener(id: string): Promise<Listener | null>;
  /** By name (names are unique). */
  getListenerByName(name: string): Promise<Listener | null>;
  listListeners(filter?: ListenerFilter): Promise<Listener[]>;
  /** Deletes the listener with its pending deliveries (its attempts and finished deliveries stay, as history). */
  deleteListener(id: string): Promise<boolean>;

  /** The outbox position the fan-out reached (0 at first). */
  fanOutCursor(): Promise<number>;
  applyFanOut(f: FanOut): Promise<void>;
  applyProgress(p: DeliveryProgress): Promise<void>;

  getDelivery(id: string): Promise<Delivery | null>;
  listDeliveries(filter?: DeliveryFilter): Promise<Delivery[]>;
  /** How many deliveries `listDeliveries` would list without a limit or cursor. */
  countDeliveries(filter?: Omit<DeliveryFilter, 'afterEventId' | 'limit'>): Promise<number>;
  /**
   * Pending deliveries in (event id, delivery id) order, strictly after `after` (paging through the backlog at
   * start-up: one event has a delivery per listener, so the event id alone is not a cursor).
   */
  listPending(after: { eventId: number; id: string }, limit: number): Promise<Delivery[]>;
  /** The listeners that have pending deliveries (where the dispatcher starts paging its backlog). */
  pendingListeners(): Promise<string[]>;
  /** A page of one listener's pending deliveries with their events (see `PendingPage`). */
  pendingPage(q: PendingPage): Promise<PendingEntry[]>;
  /** Pending deliveries per listener (the backlog shown in listener health). */
  countPending(listenerIds: string[]): Promise<Record<string, number>>;

  listAttempts(filter?: AttemptFilter): Promise<Attempt[]>;
  getAttempt(id: string): Promise<Attempt | null>;

  getStatus(id: string): Promise<StatusRecord | null>;
  listStatuses(filter?: StatusFilter): Promise<StatusRecord[]>;
  /**
   * Writes a status change unless the stored status is already `completed` (compare-and-swap): resolves false
   * when it was, so a completed status never changes.
   */
  updateStatus(s: StatusRecord): Promise<boolean>;
}
