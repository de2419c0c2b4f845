/**
 * /v2/tasks: task executions of every workflow execution, each task's action executions and sub-workflow
 * executions, and the two changes Mistral allows on a failed task (`api/controllers/v2/task.py::put`): re-run
 * it (`state: RUNNING` with `reset`, optionally a new `env`) or skip it (`state: SKIPPED`).
 */
import { Router } from 'express';
import { InvalidInputError, InvalidStateError } from '../../common/index.js';
import type { ApiContext } from '../context.js';
import { envelope, readPage } from '../paging.js';
import { optionalString, parseJsonField } from '../wire.js';
import { subExecutions } from '../runtime/report.js';
import {
  bodyObject,
  checkFields,
  checkQuery,
  filterValue,
  optionalBool,
  pathParam,
  queryBool,
  queryInt,
  stateFilter,
  withOutput,
} from '../runtime/requests.js';
import { executionResource, taskResource } from '../runtime/serializers.js';
import {
  TASKS,
  TASK_ACTION_EXECUTIONS,
  TASK_EXECUTIONS,
  TASK_FIELDS,
  actionExecutionList,
} from '../runtime/list-queries.js';
import { TASK_STATES } from '../runtime/states.js';
import { sendTaskStatuses } from './statuses.js';

export function tasksRoutes(ctx: ApiContext): Router {
  const r = Router();
  const engine = ctx.engine;

  r.get('/', async (req, res) => {
    const page = readPage(req, TASKS);
    const tasks = await engine.findTasks({
      ...page,
      workflowExecutionId: filterValue(req, 'workflow_execution_id'),
      workflowName: filterValue(req, 'workflow_name'),
      name: filterValue(req, 'name'),
      state: stateFilter(req, TASK_STATES),
    });
    res.json(envelope(req, 'tasks', tasks.map(taskResource), page));
  });

  r.get('/:id', async (req, res) => {
    checkQuery(req, []);
    res.json(taskResource(await engine.getTask(pathParam(req, 'id'))));
  });

  r.put('/:id', async (req, res) => {
    const id = pathParam(req, 'id');
    const body = bodyObject(req);
    checkFields(body, TASK_FIELDS);
    const state = optionalString(body, 'state');
    if (state !== 'RUNNING' && state !== 'SKIPPED') {
      throw new InvalidInputError(
        'Invalid task state: only RUNNING (re-run) and SKIPPED (skip) can be requested for a task.',
        'state',
      );
    }
    const reset = optionalBool(body, 'reset');
    if (state === 'RUNNING' && reset === undefined) {
      throw new InvalidInputError(`'reset' is required to re-run a task`, 'reset');
    }
    const env = parseJsonField(body.env, 'env') as Record<string, unknown> | undefined;
    const name = optionalString(body, 'name');
    const workflowName = optionalString(body, 'workflow_name');
    optionalString(body, 'id');

    const task = await engine.getTask(id);
    if (name && name !== task.name) throw new InvalidInputError('Task name does not match.', 'name');
    if (workflowName && workflowName !== task.workflowName) {
      throw new InvalidInputError('Workflow name does not match.', 'workflow_name');
    }
    if (task.state !== 'ERROR') {
      throw new InvalidStateError(
        `The current task execution must be in ERROR to be re-run or skipped; task ${id} is ${task.state}.`,
      );
    }
    if (state === 'RUNNING' && reset === false) {
      throw new InvalidInputError(
        task.runtimeContext.with_items
          ? 'Re-running only the failed items of a with-items task (reset=false) is not supported.'
          : 'Only with-items task has the option to not reset.',
        'reset',
      );
    }
    if (env && Object.keys(env).length) await engine.updateExecution(task.workflowExecutionId, { env });
    const rec = state === 'RUNNING' ? await engine.rerunTask(id) : await engine.skipTask(id);
    res.json(taskResource(rec));
  });

  r.get('/:id/action_executions', async (req, res) => {
    const page = readPage(req, TASK_ACTION_EXECUTIONS);
    const id = pathParam(req, 'id');
    await engine.getTask(id);
    const actions = await engine.findActionExecutions({
      ...page,
      taskExecutionId: id,
      state: stateFilter(req, TASK_STATES),
    });
    res.json(actionExecutionList(req, page, actions));
  });

  r.get('/:id/workflow_executions', async (req, res) => {
    const page = readPage(req, TASK_EXECUTIONS);
    const id = pathParam(req, 'id');
    await engine.getTask(id);
    const output = withOutput(req, page);
    const children = await engine.listExecutions({ ...page, parentTaskId: id });
    res.json(
      envelope(
        req,
        'executions',
        children.map((e) => executionResource(e, { output })),
        page,
      ),
    );
  });

  r.get('/:id/executions', async (req, res) => {
    checkQuery(req, ['errors_only', 'max_depth', 'include_output']);
    const executions = await subExecutions(
      engine,
      { task: pathParam(req, 'id') },
      {
        errorsOnly: queryBool(req, 'errors_only', false),
        maxDepth: queryInt(req, 'max_depth', -1),
        includeOutput: queryBool(req, 'include_output', false),
      },
    );
    res.json({ executions });
  });

  r.get('/:id/statuses', async (req, res) => {
    res.json(await sendTaskStatuses(ctx, req));
  });

  return r;
}
