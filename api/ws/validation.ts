/**
 * Turns one client message (text) into a typed request, or into the error response it deserves: 400 for a
 * malformed message, 404 for an unknown entity. Pure: the checks that need the store (does this execution
 * exist?) are in `scope.ts`. Every problem found is reported, each naming its field.
 */
import {
  ENTITY_NAMES,
  type Request,
  type RequestId,
  type Scope,
  type SubscribeRequest,
  type WireError,
} from './protocol.js';

export type Parsed =
  | { ok: true; request: Request }
  | { ok: false; requestId: RequestId | null; status: 400 | 404; errors: WireError[] };

const ACTIONS = ['subscribe_state_change', 'unsubscribe_state_change', 'ping'] as const;
const SCOPE_KEYS = ['execution_id', 'workflow_name', 'workbook'] as const;
const DATA_KEYS = new Set<string>(['entity', 'after_sequence', ...SCOPE_KEYS]);
const MAX_REQUEST_ID_LENGTH = 256;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRequestId(v: unknown): v is RequestId {
  return (
    (typeof v === 'number' && Number.isFinite(v)) ||
    (typeof v === 'string' && v.length > 0 && v.length <= MAX_REQUEST_ID_LENGTH)
  );
}

function fail(requestId: RequestId | null, status: 400 | 404, errors: WireError[]): Parsed {
  return { ok: false, requestId, status, errors };
}

export function parseRequest(text: string): Parsed {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (err) {
    return fail(null, 400, [{ message: `invalid JSON: ${(err as Error).message}` }]);
  }
  if (!isObject(msg)) return fail(null, 400, [{ message: 'a message must be a JSON object' }]);

  const errors: WireError[] = [];
  const rid = msg.request_id;
  const requestId = isRequestId(rid) ? rid : null;
  if (rid === undefined || rid === null)
    errors.push({ field: 'request_id', message: 'request_id is required' });
  else if (requestId === null) {
    errors.push({
      field: 'request_id',
      message: `request_id must be a number or a non-empty string of at most ${MAX_REQUEST_ID_LENGTH} characters`,
    });
  }
  const action = msg.action;
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    errors.push({
      field: 'action',
      message:
        action === undefined
          ? 'action is required'
          : `unknown action ${JSON.stringify(action)}: expected ${ACTIONS.join(', ')}`,
    });
  }
  if (errors.length > 0 || requestId === null) return fail(requestId, 400, errors);

  if (action === 'subscribe_state_change') return parseSubscribe(requestId, msg.data);
  return { ok: true, request: { action: action as 'ping' | 'unsubscribe_state_change', requestId } };
}

function parseSubscribe(requestId: RequestId, data: unknown): Parsed {
  if (!isObject(data)) {
    return fail(requestId, 400, [{ field: 'data', message: 'data must be an object with an entity' }]);
  }
  const malformed: WireError[] = [];
  const unknown: WireError[] = [];
  for (const key of Object.keys(data)) {
    if (!DATA_KEYS.has(key)) {
      malformed.push({
        field: `data.${key}`,
        message: `unknown field; expected entity, ${SCOPE_KEYS.join(', ')} or after_sequence`,
      });
    }
  }

  const entityName = data.entity;
  const entity = typeof entityName === 'string' ? ENTITY_NAMES[entityName] : undefined;
  if (entityName === undefined) malformed.push({ field: 'data.entity', message: 'entity is required' });
  else if (typeof entityName !== 'string') {
    malformed.push({ field: 'data.entity', message: 'entity must be a string' });
  } else if (!entity) {
    unknown.push({
      field: 'data.entity',
      message: `unknown entity ${JSON.stringify(entityName)}: expected ${Object.keys(ENTITY_NAMES).join(', ')}`,
    });
  }

  const given = SCOPE_KEYS.filter((k) => data[k] !== undefined);
  for (const k of given) {
    const v = data[k];
    if (typeof v !== 'string' || v.length === 0) {
      malformed.push({ field: `data.${k}`, message: `${k} must be a non-empty string` });
    }
  }
  if (given.length > 1) {
    malformed.push({ field: 'data', message: `give at most one scope: ${SCOPE_KEYS.join(', ')}` });
  }

  const after = data.after_sequence;
  if (after !== undefined) {
    if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0) {
      malformed.push({ field: 'data.after_sequence', message: 'after_sequence must be an integer >= 0' });
    } else if (data.execution_id === undefined) {
      malformed.push({
        field: 'data.after_sequence',
        message: 'after_sequence needs an execution_id scope (sequences are numbered per execution)',
      });
    }
  }

  if (malformed.length > 0) return fail(requestId, 400, [...malformed, ...unknown]);
  if (!entity || typeof entityName !== 'string') return fail(requestId, 404, unknown);

  const scope = scopeOf(data);
  const request: SubscribeRequest = {
    action: 'subscribe_state_change',
    requestId,
    entity,
    entityName,
    scope,
  };
  if (typeof after === 'number') request.afterSequence = after;
  return { ok: true, request };
}

function scopeOf(data: Record<string, unknown>): Scope {
  if (typeof data.execution_id === 'string') return { kind: 'execution', executionId: data.execution_id };
  if (typeof data.workflow_name === 'string') return { kind: 'workflow', workflowName: data.workflow_name };
  if (typeof data.workbook === 'string') return { kind: 'workbook', workbook: data.workbook };
  return { kind: 'all' };
}
