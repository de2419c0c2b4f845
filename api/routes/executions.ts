/**
 * /v2/executions: start workflow executions, read and list them, steer them (pause, resume, stop, new
 * description or env), delete them, and walk their trees (tasks, sub-executions, report). Mistral's
 * `api/controllers/v2/execution.py`, `sub_execution.py` and `execution_report.py`, on the same wire format.
 */
import { Router } from 'express';
import { InvalidInputError, NotFoundError } from '../../common/index.js';
import type { Engine, ExecutionRecord } from '../../engine/index.js';
import type { ApiContext } from '../context.js';
import { sendJson } from '../json-response.js';
import { envelope, readPage } from '../paging.js';
import type { ExecutionFilter } from '../../store/index.js';
import { readCreateBody, readUpdateBody } from '../runtime/execution-body.js';
import { executionReport, subExecutions } from '../runtime/report.js';
import {
  bodyObject,
  checkQuery,
  filterValue,
  pathParam,
  queryBool,
  queryInt,
  queryValue,
  stateFilter,
  withOutput,
} from '../runtime/requests.js';
import { executionResource, taskResource } from '../runtime/serializers.js';
import { EXECUTIONS, EXECUTION_TASKS } from '../runtime/list-queries.js';
import { sendExecutionStatuses } from './statuses.js';
import { TASK_STATES, WORKFLOW_STATES } from '../runtime/states.js';

/** Params the engine sets on sub-workflow executions: not copied when an execution is cloned. */
const INTERNAL_PARAMS = ['task_execution_id', 'index'];

export function executionsRoutes(ctx: ApiContext): Router {
  const r = Router();
  const engine = ctx.engine;

  r.get('/', async (req, res) => {
    const page = readPage(req, EXECUTIONS);
    const filter: ExecutionFilter = {
      ...page,
      workflowName: filterValue(req, 'workflow_name'),
      state: stateFilter(req, WORKFLOW_STATES),
      parentTaskId: filterValue(req, 'task_execution_id'),
      rootExecutionId: filterValue(req, 'root_execution_id'),
      topLevel: readNulls(queryValue(req, 'nulls')),
    };
    const workflowId = filterValue(req, 'workflow_id');
    if (workflowId !== undefined) {
      // Definition ids are stable across updates, so the id names one workflow.
      const name = (await engine.findWorkflow(workflowId))?.name;
      if (!name || (filter.workflowName && filter.workflowName !== name)) {
        res.json(envelope(req, 'executions', [], page));
        return;
      }
      filter.workflowName = name;
    }
    const output = withOutput(req, page);
    const items = await engine.listExecutions(filter);
    res.json(
      envelope(
        req,
        'executions',
        items.map((e) => executionResource(e, { output })),
        page,
      ),
    );
  });

  r.post('/', async (req, res) => {
    const { status, record } = await createExecution(engine, bodyObject(req));
    sendJson(res, status, executionResource(record));
  });

  r.get('/:id', async (req, res) => {
    checkQuery(req, []);
    res.json(executionResource(await engine.getExecution(pathParam(req, 'id'))));
  });

  r.put('/:id', async (req, res) => {
    // An unknown execution is a 404 whatever the body says (Mistral finds the execution first).
    await engine.getExecution(pathParam(req, 'id'));
    const change = readUpdateBody(bodyObject(req));
    const rec = await engine.updateExecution(pathParam(req, 'id'), change);
    res.json(executionResource(rec));
  });

  r.delete('/:id', async (req, res) => {
    checkQuery(req, ['force']);
    await engine.deleteExecution(pathParam(req, 'id'), { force: queryBool(req, 'force', false) });
    res.status(204).end();
  });

  r.get('/:id/tasks', async (req, res) => {
    const page = readPage(req, EXECUTION_TASKS);
    const id = pathParam(req, 'id');
    await engine.getExecution(id);
    const tasks = await engine.findTasks({
      ...page,
      workflowExecutionId: id,
      name: filterValue(req, 'name'),
      state: stateFilter(req, TASK_STATES),
    });
    res.json(envelope(req, 'tasks', tasks.map(taskResource), page));
  });

  r.get('/:id/executions', async (req, res) => {
    checkQuery(req, ['errors_only', 'max_depth', 'include_output']);
    const executions = await subExecutions(
      engine,
      { execution: pathParam(req, 'id') },
      {
        errorsOnly: queryBool(req, 'errors_only', false),
        maxDepth: queryInt(req, 'max_depth', -1),
        includeOutput: queryBool(req, 'include_output', false),
      },
    );
    res.json({ executions });
  });

  r.get('/:id/report', async (req, res) => {
    checkQuery(req, ['errors_only', 'max_depth', 'statistics_only']);
    const report = await executionReport(engine, pathParam(req, 'id'), {
      errorsOnly: queryBool(req, 'errors_only', false),
      maxDepth: queryInt(req, 'max_depth', -1),
      statisticsOnly: queryBool(req, 'statistics_only', false),
    });
    res.json(report);
  });

  r.get('/:id/statuses', async (req, res) => {
    res.json(await sendExecutionStatuses(ctx, req));
  });

  return r;
}

/**
 * `POST /v2/executions` with its body read: the execution started (201), or the one a client-chosen id already
 * names (201 too, as Mistral answers). Also the hot path's (`hot-routes.ts`).
 */
export async function createExecution(
  engine: Engine,
  raw: Record<string, unknown>,
): Promise<{ status: number; record: ExecutionRecord }> {
  const body = readCreateBody(raw);
  // A client-chosen id makes the call idempotent: an execution that exists is returned as it is.
  const existing = body.id ? await engine.store.getExecution(body.id) : null;
  if (existing) return { status: 201, record: existing.record };
  let { workflow, input, params, description } = body;
  if (body.sourceExecutionId) {
    const src = await engine.getExecution(body.sourceExecutionId).catch((err: unknown) => {
      if (err instanceof NotFoundError) {
        throw new InvalidInputError(
          `source execution not found: ${body.sourceExecutionId}`,
          'source_execution_id',
        );
      }
      throw err;
    });
    workflow ??= (await engine.findWorkflow(src.workflowId)) ? src.workflowId : src.workflowName;
    input = merge(src.input, input ?? {});
    const srcParams = { ...src.params };
    for (const k of INTERNAL_PARAMS) delete srcParams[k];
    params = merge(srcParams, params ?? {});
    description = `${description} Based on the execution '${src.id}'`.trim();
  }
  if (!workflow)
    throw new InvalidInputError('Workflow ID or workflow name must be provided.', 'workflow_name');
  const record = await engine.startExecution({
    workflow,
    namespace: body.namespace,
    input,
    params,
    description,
    id: body.id,
  });
  return { status: 201, record };
}

/** Mistral's `nulls` filter (`--rootsonly` sends `nulls=root_execution_id`): only top-level executions. */
function readNulls(v: string | undefined): true | undefined {
  if (!v) return undefined;
  for (const f of v.split(',').map((s) => s.trim())) {
    if (f !== 'root_execution_id' && f !== 'task_execution_id') {
      throw new InvalidInputError(
        `'nulls' supports root_execution_id and task_execution_id, not '${f}'`,
        'nulls',
      );
    }
  }
  return true;
}

/** Mistral's `merge_dicts`: `right` wins, nested objects are merged. */
function merge(left: Record<string, unknown>, right: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...left };
  for (const [k, v] of Object.entries(right)) {
    const l = out[k];
    out[k] = isObject(l) && isObject(v) ? merge(l, v) : v;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
