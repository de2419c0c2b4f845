/**
 * Mistral's event-trigger rules as pure functions: what a new trigger looks like (`newEventTrigger`, after
 * `create_event_trigger`: the workflow exists, the input fits its parameters), what an update may change
 * (`updatedEventTrigger`: never the exchange, topic or event), and what a message makes of a trigger: whether
 * it wants it (`wants`, our `filter`), the execution it asks for (`startRequest`: input, params with
 * `event_params`, Mistral's description naming the trigger).
 */
import { InvalidInputError, NotFoundError, isUuid, newId } from '../../common/index.js';
import { checkSyntax, evaluate, truthy } from '../../dsl/expressions/index.js';
import { applyInputParams, type StartExecutionRequest } from '../../engine/index.js';
import type { EventTriggerRow, WorkflowDefinitionRow } from '../../store/index.js';
import { filterExpression } from '../../delivery/index.js';
import { eventParams, notificationView, type Notification } from './notification.js';

/** A create request, read off the wire. */
export interface EventTriggerRequest {
  name: string;
  workflowId: string;
  exchange: string;
  topic: string;
  event: string;
  workflowInput?: Record<string, unknown>;
  workflowParams?: Record<string, unknown>;
  scope?: string;
  filter?: string;
  inputMap?: Record<string, unknown>;
}

/** The fields an update may change (Mistral: everything but exchange, topic and event). */
export type EventTriggerChange = Partial<
  Pick<EventTriggerRequest, 'name' | 'workflowInput' | 'workflowParams' | 'scope' | 'filter' | 'inputMap'>
>;

const MAX_FIELD = 80;
const SCOPES = ['private', 'public'];

function checkInput(
  wf: WorkflowDefinitionRow,
  input: Record<string, unknown>,
  inputMap: object | null,
): void {
  // Mapped inputs are only known per message: they count as given, with a placeholder value.
  const given = { ...input, ...Object.fromEntries(Object.keys(inputMap ?? {}).map((k) => [k, null])) };
  try {
    applyInputParams(wf.spec.input, given, wf.name);
  } catch (err) {
    throw new InvalidInputError((err as Error).message, 'workflow_input', { cause: err });
  }
}

function checkExpressions(filter: string | undefined, inputMap: Record<string, unknown> | undefined): void {
  if (filter !== undefined) {
    const issues = checkSyntax(filterExpression(filter));
    if (issues.length > 0)
      throw new InvalidInputError(`invalid filter: ${issues.map((i) => i.message).join('; ')}`, 'filter');
  }
  for (const [k, v] of Object.entries(inputMap ?? {})) {
    if (typeof v !== 'string') continue;
    const issues = checkSyntax(v);
    if (issues.length > 0) {
      throw new InvalidInputError(
        `invalid expression in input_map.${k}: ${issues.map((i) => i.message).join('; ')}`,
        'input_map',
      );
    }
  }
}

function checkScope(scope: string | undefined): void {
  if (scope !== undefined && !SCOPES.includes(scope))
    throw new InvalidInputError(`'scope' must be private or public`, 'scope');
}

/** Finds the trigger's workflow by id (or name, our leniency): a non-UUID that names nothing is a 400. */
export function resolveWorkflow(
  workflowId: string,
  findWorkflow: (nameOrId: string) => WorkflowDefinitionRow | null,
): WorkflowDefinitionRow {
  const wf = findWorkflow(workflowId);
  if (wf) return wf;
  if (!isUuid(workflowId))
    throw new InvalidInputError(`Expected a uuid but received ${workflowId}.`, 'workflow_id');
  throw new NotFoundError('workflow', workflowId);
}

export function newEventTrigger(
  req: EventTriggerRequest,
  findWorkflow: (nameOrId: string) => WorkflowDefinitionRow | null,
  now: number,
): EventTriggerRow {
  for (const field of ['exchange', 'topic', 'event'] as const) {
    if (req[field].length > MAX_FIELD)
      throw new InvalidInputError(`'${field}' must be at most ${MAX_FIELD} characters`, field);
  }
  checkScope(req.scope);
  checkExpressions(req.filter, req.inputMap);
  const wf = resolveWorkflow(req.workflowId, findWorkflow);
  const input = req.workflowInput ?? {};
  checkInput(wf, input, req.inputMap ?? null);
  return {
    id: newId(),
    name: req.name,
    workflowId: wf.id,
    workflowInput: input,
    workflowParams: req.workflowParams ?? {},
    exchange: req.exchange,
    topic: req.topic,
    event: req.event,
    scope: req.scope ?? 'private',
    filter: req.filter ?? null,
    inputMap: req.inputMap ?? null,
    createdAt: now,
    updatedAt: null,
  };
}

export function updatedEventTrigger(
  t: EventTriggerRow,
  change: EventTriggerChange,
  findWorkflow: (nameOrId: string) => WorkflowDefinitionRow | null,
  now: number,
): EventTriggerRow {
  checkScope(change.scope);
  checkExpressions(change.filter, change.inputMap);
  const next: EventTriggerRow = {
    ...t,
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(change.workflowInput !== undefined ? { workflowInput: change.workflowInput } : {}),
    ...(change.workflowParams !== undefined ? { workflowParams: change.workflowParams } : {}),
    ...(change.scope !== undefined ? { scope: change.scope } : {}),
    ...(change.filter !== undefined ? { filter: change.filter || null } : {}),
    ...(change.inputMap !== undefined ? { inputMap: change.inputMap } : {}),
    updatedAt: now,
  };
  const wf = findWorkflow(t.workflowId);
  if (wf) checkInput(wf, next.workflowInput, next.inputMap);
  return next;
}

/** Does the trigger want this notification? Its event type, then its filter (which may throw). */
export function wants(t: EventTriggerRow, n: Notification): boolean {
  if (t.event !== n.eventType) return false;
  if (t.filter === null || t.filter.trim() === '') return true;
  return truthy(evaluate(filterExpression(t.filter), { data: notificationView(n) }));
}

/** The execution a notification asks of a trigger (the input map may throw). */
export function startRequest(t: EventTriggerRow, n: Notification): StartExecutionRequest {
  const mapped = t.inputMap ? (evaluate(t.inputMap, { data: notificationView(n) }) as object) : {};
  return {
    workflow: t.workflowId,
    input: { ...t.workflowInput, ...mapped },
    params: { ...t.workflowParams, event_params: eventParams(n) },
    description: JSON.stringify({
      description: `Workflow execution created by event trigger '(${t.id})'.`,
      triggered_by: { type: 'event_trigger', id: t.id, name: t.name },
    }),
    receipt: { triggerId: t.id, messageId: n.messageId },
  };
}
