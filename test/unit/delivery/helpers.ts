/** Shared fixtures for the delivery tests: listeners, outbox events, deliveries and a real in-memory store. */

import type { ExecutionRecord, OutboxEvent } from '../../../engine/index.js';
import type { Delivery, Listener } from '../../../delivery/types.js';
import type { ExecutionRow, ExecutionRuntime, Store } from '../../../store/index.js';
import type { WorkflowSpec } from '../../../dsl/spec.js';

export const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

export function makeListener(overrides: Partial<Listener> = {}): Listener {
  return {
    id: 'l-1',
    name: 'listener-1',
    origin: 'api',
    owner: null,
    scope: {},
    events: [],
    filter: null,
    transport: {
      type: 'http',
      url: 'https://hooks.example.com/in',
      method: 'POST',
      headers: {},
      timeoutMs: 10000,
    },
    format: 'mistral',
    payload: null,
    retry: [5, 300],
    status: null,
    secret: 'whsec_dGVzdA==',
    enabled: true,
    disabledReason: null,
    health: { lastSuccessAt: null, lastFailureAt: null, firstFailureAt: null, failuresInRow: 0 },
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** A TASK_FAILED event of task `fetch` in execution `ex-1` of workflow `wb.wf`, as the engine writes it. */
export function taskEvent(overrides: Partial<OutboxEvent> = {}): OutboxEvent {
  return {
    id: 7,
    executionId: 'ex-1',
    rootExecutionId: 'ex-1',
    sequence: 3,
    entity: 'task',
    entityId: 'task-1',
    eventType: 'TASK_FAILED',
    state: 'ERROR',
    previousState: 'RUNNING',
    payload: {
      id: 'task-1',
      name: 'fetch',
      workflow_execution_id: 'ex-1',
      workflow_name: 'wb.wf',
      workflow_namespace: '',
      workflow_id: 'wf-def-1',
      state: 'ERROR',
      state_info: 'boom',
      type: 'ACTION',
      project_id: '<default-project>',
      created_at: '2025-01-02 03:04:00',
      updated_at: '2025-01-02 03:04:05',
      started_at: '2025-01-02 03:04:00',
      finished_at: '2025-01-02 03:04:05',
      event: 'TASK_FAILED',
    },
    duplicate: false,
    createdAt: T0,
    ...overrides,
  };
}

/** A WORKFLOW_SUCCEEDED event of execution `ex-1` of workflow `wb.wf`. */
export function executionEvent(overrides: Partial<OutboxEvent> = {}): OutboxEvent {
  return {
    id: 8,
    executionId: 'ex-1',
    rootExecutionId: 'ex-1',
    sequence: 4,
    entity: 'execution',
    entityId: 'ex-1',
    eventType: 'WORKFLOW_SUCCEEDED',
    state: 'SUCCESS',
    previousState: 'RUNNING',
    payload: {
      id: 'ex-1',
      name: 'wb.wf',
      workflow_name: 'wb.wf',
      workflow_namespace: '',
      workflow_id: 'wf-def-1',
      state: 'SUCCESS',
      state_info: null,
      project_id: '<default-project>',
      task_execution_id: null,
      root_execution_id: null,
      created_at: '2025-01-02 03:04:00',
      updated_at: '2025-01-02 03:04:05',
      event: 'WORKFLOW_SUCCEEDED',
    },
    duplicate: false,
    createdAt: T0,
    ...overrides,
  };
}

export function makeDelivery(overrides: Partial<Delivery> = {}): Delivery {
  return {
    id: 'd-1',
    eventId: 7,
    listenerId: 'l-1',
    orderKey: 'ex-1',
    state: 'pending',
    attempts: 0,
    nextAttemptAt: T0,
    lastCode: null,
    statusId: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

const STATE_OF: Partial<Record<OutboxEvent['eventType'], OutboxEvent['state']>> = {
  TASK_LAUNCHED: 'RUNNING',
  TASK_SUCCEEDED: 'SUCCESS',
  TASK_FAILED: 'ERROR',
};

/**
 * Commits outbox events (one task event each, numbered per execution) through the store's `commit`, as the
 * engine does; resolves with the stored events (ids assigned by the store).
 */
export async function commitEvents(
  store: Store,
  specs: Array<{ executionId: string; rootExecutionId?: string; eventType?: OutboxEvent['eventType'] }>,
): Promise<OutboxEvent[]> {
  const before = await store.readEvents({ limit: 100000 });
  const seq = new Map<string, number>();
  for (const e of before) seq.set(e.executionId, Math.max(seq.get(e.executionId) ?? 0, e.sequence));
  const events: Omit<OutboxEvent, 'id'>[] = specs.map((s) => {
    const n = (seq.get(s.executionId) ?? 0) + 1;
    seq.set(s.executionId, n);
    const eventType = s.eventType ?? 'TASK_SUCCEEDED';
    const state = STATE_OF[eventType] ?? 'SUCCESS';
    const entityId = `${s.executionId}-task-${n}`;
    const { id: _id, ...ev } = taskEvent({
      executionId: s.executionId,
      rootExecutionId: s.rootExecutionId ?? s.executionId,
      sequence: n,
      entityId,
      eventType,
      state,
      payload: {
        ...taskEvent().payload,
        id: entityId,
        workflow_execution_id: s.executionId,
        state,
        event: eventType,
      },
      createdAt: Date.now(),
    });
    return ev;
  });
  await store.commit({ executions: [], tasks: [], actions: [], events, timersSet: [], timersCleared: [] });
  const after = await store.readEvents({ afterId: before[before.length - 1]?.id ?? 0, limit: 100000 });
  return after;
}

/** Stores a top-level execution row whose params hold `notify` (what the fan-out reads for notify listeners). */
export async function commitExecution(store: Store, id: string, notify: unknown[]): Promise<void> {
  const record: ExecutionRecord = {
    id,
    workflowName: 'wb.wf',
    workflowId: 'wf-def-1',
    workflowNamespace: '',
    description: '',
    tags: [],
    params: { notify },
    input: {},
    output: null,
    state: 'RUNNING',
    stateInfo: null,
    taskExecutionId: null,
    parentExecutionId: null,
    rootExecutionId: null,
    publishedGlobal: {},
    createdAt: T0,
    updatedAt: T0,
  };
  const runtime: ExecutionRuntime = {
    initialContext: {},
    seq: 0,
    machine: {},
    deferred: [],
    spec: {} as WorkflowSpec,
    env: {},
  };
  const row: ExecutionRow = { record, runtime };
  await store.commit({
    executions: [row],
    tasks: [],
    actions: [],
    events: [],
    timersSet: [],
    timersCleared: [],
  });
}

/** Polls `cond` every few milliseconds until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
