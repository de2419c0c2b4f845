/** Record builders shared by the store contract suites. */
import type { Attempt, Delivery, Listener, OutboxEvent, StatusRecord } from '../../../model/index.js';
import type { ChangeSet, ExecutionRow, FanOut } from '../../../store/index.js';

export function execRow(id: string, state: ExecutionRow['record']['state'], createdAt: number): ExecutionRow {
  return {
    record: {
      id,
      workflowName: 'wf',
      workflowId: 'wf-id',
      workflowNamespace: '',
      description: '',
      tags: [],
      params: {},
      input: {},
      output: null,
      state,
      stateInfo: null,
      taskExecutionId: null,
      parentExecutionId: null,
      rootExecutionId: null,
      publishedGlobal: {},
      createdAt,
      updatedAt: createdAt,
    },
    runtime: {
      initialContext: {},
      seq: 0,
      machine: {},
      deferred: [],
      env: {},
      spec: { name: 'wf' } as ExecutionRow['runtime']['spec'],
    },
  };
}

export function launched(executionId: string, sequence: number): Omit<OutboxEvent, 'id'> {
  return {
    executionId,
    rootExecutionId: executionId,
    sequence,
    entity: 'execution',
    entityId: executionId,
    eventType: 'WORKFLOW_LAUNCHED',
    state: 'RUNNING',
    previousState: 'IDLE',
    payload: { id: executionId, event: 'WORKFLOW_LAUNCHED' },
    duplicate: false,
    createdAt: 1,
  };
}

export function listener(id: string, over: Partial<Listener> = {}): Listener {
  return {
    id,
    name: `name-${id}`,
    origin: 'api',
    owner: null,
    scope: {},
    events: [],
    filter: null,
    transport: { type: 'http', url: 'http://127.0.0.1:1/hook', method: 'POST', headers: {}, timeoutMs: 1000 },
    format: 'mistral',
    payload: null,
    retry: [1, 5],
    status: null,
    secret: 'whsec_test',
    enabled: true,
    disabledReason: null,
    health: { lastSuccessAt: null, lastFailureAt: null, firstFailureAt: null, failuresInRow: 0 },
    createdAt: 1000,
    updatedAt: 1000,
    ...over,
  };
}

export function delivery(eventId: number, listenerId: string, over: Partial<Delivery> = {}): Delivery {
  return {
    id: `d-${eventId}-${listenerId}`,
    eventId,
    listenerId,
    orderKey: 'root-1',
    state: 'pending',
    attempts: 0,
    nextAttemptAt: 2000,
    lastCode: null,
    statusId: null,
    createdAt: 2000,
    updatedAt: 2000,
    ...over,
  };
}

export function status(d: Delivery, over: Partial<StatusRecord> = {}): StatusRecord {
  return {
    id: d.statusId ?? `s-${d.id}`,
    deliveryId: d.id,
    eventId: d.eventId,
    listenerId: d.listenerId,
    executionId: 'ex-1',
    rootExecutionId: 'root-1',
    taskExecutionId: null,
    taskName: null,
    status: 'queued',
    conclusion: null,
    output: null,
    deadlineAt: 5000,
    createdAt: 2000,
    updatedAt: 2000,
    ...over,
  };
}

export function attempt(n: number, over: Partial<Omit<Attempt, 'seq'>> = {}): Omit<Attempt, 'seq'> {
  return {
    id: `a-${n}`,
    deliveryId: 'd-1-l1',
    eventId: 1,
    listenerId: 'l1',
    code: 'badHttpStatus',
    message: 'HTTP 500',
    httpStatus: 500,
    durationMs: 12.5,
    attemptNumber: 1,
    trigger: 'scheduled',
    createdAt: 10_000 + n,
    ...over,
  };
}

export function fanOut(partial: Partial<FanOut>): FanOut {
  return { listeners: [], deliveries: [], statuses: [], cursor: 0, ...partial };
}

export function event(
  sequence: number,
  over: Partial<Omit<OutboxEvent, 'id'>> = {},
): Omit<OutboxEvent, 'id'> {
  return {
    executionId: 'ex-1',
    rootExecutionId: 'ex-1',
    sequence,
    entity: 'execution',
    entityId: 'ex-1',
    eventType: 'WORKFLOW_LAUNCHED',
    state: 'RUNNING',
    previousState: 'IDLE',
    payload: { n: sequence },
    duplicate: false,
    createdAt: 100 * sequence,
    ...over,
  };
}

export function changes(partial: Partial<ChangeSet>): ChangeSet {
  return { executions: [], tasks: [], actions: [], events: [], timersSet: [], timersCleared: [], ...partial };
}
