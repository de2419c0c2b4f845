/**
 * The bodies of `POST /v2/executions` and `PUT /v2/executions/{id}`, read as Mistral's `Execution` resource:
 * `input` and `params` arrive as JSON strings (python-mistralclient) or as objects, and every field Mistral
 * knows is type-checked here so a mistake comes back as a 400 naming the field.
 */
import { InvalidInputError } from '../../common/index.js';
import { EVENT_TYPES, type Engine, type ExecutionParams, type WorkflowState } from '../../engine/index.js';
import { optionalString, parseJsonField } from '../wire.js';
import { EXECUTION_FIELDS } from './list-queries.js';
import { checkFields } from './requests.js';

/** The Execution resource's fields: clients may echo a whole resource back, so all are accepted. */
const RESOURCE_FIELDS = EXECUTION_FIELDS;

/** An execution id chosen by the client ends up in URLs, so it is kept URL-safe; Mistral's column holds 36. */
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,36}$/;

const SETTABLE_STATES: WorkflowState[] = ['RUNNING', 'PAUSED', 'SUCCESS', 'ERROR', 'CANCELLED'];

export interface CreateExecutionBody {
  /** `workflow_id` if given, else `workflow_name`; absent only when `sourceExecutionId` supplies it. */
  workflow?: string;
  input?: Record<string, unknown>;
  params?: ExecutionParams;
  description: string;
  id?: string;
  sourceExecutionId?: string;
  /** `workflow_namespace`: where to find the workflow (then in the default namespace). */
  namespace?: string;
}

export function readCreateBody(body: Record<string, unknown>): CreateExecutionBody {
  checkFields(body, RESOURCE_FIELDS);
  const workflowName = nonEmpty(body, 'workflow_name');
  const workflowId = nonEmpty(body, 'workflow_id');
  const namespace = optionalString(body, 'workflow_namespace') || undefined;
  const description = optionalString(body, 'description') ?? '';
  const id = optionalString(body, 'id');
  if (id !== undefined && !CLIENT_ID.test(id)) {
    throw new InvalidInputError(
      `'id' must be 1 to 36 characters of letters, digits, '.', '_', '~' or '-'`,
      'id',
    );
  }
  const sourceExecutionId = nonEmpty(body, 'source_execution_id');
  const input = parseJsonField(body.input, 'input') as Record<string, unknown> | undefined;
  const params = readParams(body.params);
  const workflow = workflowId ?? workflowName;
  if (!workflow && !sourceExecutionId) {
    throw new InvalidInputError(
      'Workflow ID or workflow name must be provided. Workflow ID is recommended.',
      'workflow_name',
    );
  }
  return { workflow, namespace, input, params, description, id, sourceExecutionId };
}

/** `params`: an object (or its JSON text) whose known keys have the types Mistral's engine expects. */
export function readParams(raw: unknown): ExecutionParams | undefined {
  const params = parseJsonField(raw, 'params') as Record<string, unknown> | undefined;
  if (!params) return undefined;
  const env = params.env;
  if (env !== undefined && env !== null && typeof env !== 'string' && !isObject(env)) {
    throw new InvalidInputError(`'params.env' must be an object or the name of an environment`, 'params.env');
  }
  for (const key of ['task_name', 'namespace']) {
    const v = params[key];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw new InvalidInputError(`'params.${key}' must be a string`, `params.${key}`);
    }
  }
  if (params.notify !== undefined && params.notify !== null) checkNotify(params.notify);
  return params;
}

function checkNotify(notify: unknown): void {
  if (!Array.isArray(notify)) {
    throw new InvalidInputError(`'params.notify' must be a list of notifier objects`, 'params.notify');
  }
  notify.forEach((n: unknown, i) => {
    const at = `params.notify[${i}]`;
    if (!isObject(n)) throw new InvalidInputError(`'${at}' must be an object`, at);
    if (typeof n.type !== 'string')
      throw new InvalidInputError(`'${at}.type' must be a string`, `${at}.type`);
    if (n.type === 'webhook') {
      if (typeof n.url !== 'string' || !/^https?:\/\/\S+$/.test(n.url)) {
        throw new InvalidInputError(`'${at}.url' must be an http(s) URL`, `${at}.url`);
      }
    }
    if (n.headers !== undefined && n.headers !== null) {
      if (!isObject(n.headers) || Object.values(n.headers).some((h) => typeof h !== 'string')) {
        throw new InvalidInputError(`'${at}.headers' must be an object of strings`, `${at}.headers`);
      }
    }
    if (n.event_types !== undefined && n.event_types !== null) {
      const types = n.event_types;
      if (
        !Array.isArray(types) ||
        types.some((t) => typeof t !== 'string' || !(EVENT_TYPES as readonly string[]).includes(t))
      ) {
        throw new InvalidInputError(
          `'${at}.event_types' must be a list of event types (${EVENT_TYPES.join(', ')})`,
          `${at}.event_types`,
        );
      }
    }
  });
}

/**
 * Mistral's `PUT /v2/executions/{id}`: a state (with `state_info`), a description, or `params.env`. Empty
 * values count as absent, as in Mistral; nothing at all is refused.
 */
export function readUpdateBody(body: Record<string, unknown>): Parameters<Engine['updateExecution']>[1] {
  checkFields(body, RESOURCE_FIELDS);
  const stateText = optionalString(body, 'state') || undefined;
  if (stateText !== undefined && !(SETTABLE_STATES as string[]).includes(stateText)) {
    throw new InvalidInputError(
      `Cannot change state to ${stateText}. Allowed states are: ${SETTABLE_STATES.join(', ')}`,
      'state',
    );
  }
  const state = stateText as WorkflowState | undefined;
  const stateInfo = optionalString(body, 'state_info');
  const description = optionalString(body, 'description') || undefined;
  let env = readParams(body.params)?.env as Record<string, unknown> | string | undefined;
  // Python truthiness, as Mistral tests it: an empty env is no env.
  if (env === '' || (isObject(env) && Object.keys(env).length === 0)) env = undefined;
  if (state === undefined && description === undefined && env === undefined) {
    throw new InvalidInputError(
      'The property state, description, or env is not provided for update.',
      'state',
    );
  }
  return { state, stateInfo, description, env };
}

function nonEmpty(body: Record<string, unknown>, field: string): string | undefined {
  const v = optionalString(body, field);
  return v === '' ? undefined : v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
