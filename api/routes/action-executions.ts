/**
 * /v2/action_executions: the action executions tasks ran, the completion of asynchronous ones (Mistral's
 * async-action protocol: `PUT` with `state` and `output`, `api/controllers/v2/action_execution.py::put`), and
 * running an action on its own (`POST`, what `mistral run-action` calls).
 */
import { Router } from 'express';
import { ConflictError, InvalidInputError } from '../../common/index.js';
import type { ApiContext } from '../context.js';
import { readPage } from '../paging.js';
import { optionalString, parseJsonField } from '../wire.js';
import {
  bodyObject,
  checkFields,
  checkQuery,
  filterValue,
  optionalBool,
  pathParam,
  stateFilter,
} from '../runtime/requests.js';
import { actionExecutionResource } from '../runtime/serializers.js';
import { ACTION_EXECUTIONS, ACTION_EXECUTION_FIELDS, actionExecutionList } from '../runtime/list-queries.js';
import { TASK_STATES } from '../runtime/states.js';

const COMPLETION_STATES = ['SUCCESS', 'ERROR', 'CANCELLED'] as const;

export function actionExecutionsRoutes(ctx: ApiContext): Router {
  const r = Router();
  const engine = ctx.engine;

  r.get('/', async (req, res) => {
    const page = readPage(req, ACTION_EXECUTIONS);
    const actions = await engine.findActionExecutions({
      ...page,
      taskExecutionId: filterValue(req, 'task_execution_id'),
      workflowExecutionId: filterValue(req, 'workflow_execution_id'),
      state: stateFilter(req, TASK_STATES),
    });
    res.json(actionExecutionList(req, page, actions));
  });

  r.post('/', async (req, res) => {
    const body = bodyObject(req);
    checkFields(body, ACTION_EXECUTION_FIELDS);
    const name = optionalString(body, 'name');
    if (!name) throw new InvalidInputError('Please provide at least action name to run action.', 'name');
    const input = (parseJsonField(body.input, 'input') ?? {}) as Record<string, unknown>;
    const params = (parseJsonField(body.params, 'params') ?? {}) as Record<string, unknown>;
    checkFields(params, ['save_result', 'run_sync', 'target', 'timeout']);
    const saveResult = optionalBool(params, 'save_result') ?? false;
    const runSync = optionalBool(params, 'run_sync') ?? false;
    optionalString(params, 'target');
    const timeout = params.timeout;
    if (timeout !== undefined && timeout !== null && (typeof timeout !== 'number' || !(timeout > 0))) {
      throw new InvalidInputError(`'params.timeout' must be a positive number of seconds`, 'params.timeout');
    }
    const { record, saved } = await engine.startAction({
      name,
      input,
      description: optionalString(body, 'description') ?? '',
      namespace: optionalString(body, 'workflow_namespace') ?? '',
      saveResult,
      runSync,
      timeout: typeof timeout === 'number' ? timeout : undefined,
    });
    // Not stored (no save_result, a synchronous action): Mistral answers a resource without an id.
    res.status(201).json({ ...actionExecutionResource(record), ...(saved ? {} : { id: null }) });
  });

  r.get('/:id', async (req, res) => {
    checkQuery(req, []);
    res.json(actionExecutionResource(await engine.getActionExecution(pathParam(req, 'id'))));
  });

  r.put('/:id', async (req, res) => {
    const id = pathParam(req, 'id');
    const body = bodyObject(req);
    checkFields(body, ACTION_EXECUTION_FIELDS);
    const state = optionalString(body, 'state');
    if (!state || !(COMPLETION_STATES as readonly string[]).includes(state)) {
      throw new InvalidInputError(
        `Error. Expected one of ${COMPLETION_STATES.join(', ')}, actual: ${state ?? 'none'}`,
        'state',
      );
    }
    // Mistral's JSON type: an object, or the JSON text of one.
    const output = parseJsonField(body.output, 'output');
    await engine.getActionExecution(id);
    const rec = await engine.completeAction(id, {
      state: state as (typeof COMPLETION_STATES)[number],
      output,
    });
    res.json(actionExecutionResource(rec));
  });

  r.delete('/:id', async (req, _res) => {
    await engine.getActionExecution(pathParam(req, 'id'));
    // Mistral's default (`allow_action_execution_deletion = False`); task action executions go with their execution.
    throw new ConflictError('Action execution deletion is not allowed.');
  });

  return r;
}
