/**
 * /v2/statuses: what receivers did with the deliveries of listeners that have statuses (Sirius's feedback
 * loop). Each such delivery gets a `queued` status; the receiver moves it to `in_progress`, then `completed`
 * with a conclusion (`success`, `failure`; `timed_out` is set by the server when the deadline passes). A
 * completed status never changes again (409).
 *
 * Also `GET /v2/executions/{id}/statuses` (the execution and its sub-workflows) and `GET /v2/tasks/{id}/statuses`,
 * served by the executions and tasks routers with the functions below.
 */
import { Router, type Request } from 'express';
import { NotFoundError } from '../../common/index.js';
import type { StatusRecord } from '../../delivery/types.js';
import type { ApiContext } from '../context.js';
import { statusResource } from '../delivery/serializers.js';
import { onlyQuery, queryLimit, queryOne } from '../delivery/query.js';
import { readStatusUpdate } from '../delivery/status-input.js';
import { pathParam } from '../runtime/requests.js';

export const STATUSES_MAX_LIMIT = 1000;

/** The statuses of an execution and of its sub-workflow executions, oldest first. */
export async function executionStatuses(ctx: ApiContext, executionId: string): Promise<StatusRecord[]> {
  const ex = await ctx.engine.getExecution(executionId);
  const store = ctx.engine.store.delivery;
  if (!ex.rootExecutionId || ex.rootExecutionId === ex.id)
    return store.listStatuses({ rootExecutionId: ex.id });
  // A sub-workflow: the statuses of its tree are those of the root's tree below it.
  const root = ex.rootExecutionId;
  const all = await store.listStatuses({ rootExecutionId: root });
  const children = new Map<string, string[]>();
  for (const e of await ctx.engine.listExecutions({ rootExecutionId: root, limit: 0 })) {
    if (!e.parentExecutionId) continue;
    const list = children.get(e.parentExecutionId) ?? [];
    list.push(e.id);
    children.set(e.parentExecutionId, list);
  }
  const subtree = new Set<string>();
  const todo = [ex.id];
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    if (subtree.has(id)) continue;
    subtree.add(id);
    todo.push(...(children.get(id) ?? []));
  }
  return all.filter((s) => subtree.has(s.executionId));
}

/** The statuses of the deliveries of one task's events. */
export async function taskStatuses(ctx: ApiContext, taskId: string): Promise<StatusRecord[]> {
  await ctx.engine.getTask(taskId);
  return ctx.engine.store.delivery.listStatuses({ taskExecutionId: taskId });
}

/** `GET /v2/executions/{id}/statuses` */
export async function sendExecutionStatuses(ctx: ApiContext, req: Request): Promise<unknown> {
  onlyQuery(req, []);
  return { statuses: (await executionStatuses(ctx, pathParam(req, 'id'))).map(statusResource) };
}

/** `GET /v2/tasks/{id}/statuses` */
export async function sendTaskStatuses(ctx: ApiContext, req: Request): Promise<unknown> {
  onlyQuery(req, []);
  return { statuses: (await taskStatuses(ctx, pathParam(req, 'id'))).map(statusResource) };
}

export async function getStatus(ctx: ApiContext, id: string): Promise<StatusRecord> {
  const s = await ctx.engine.store.delivery.getStatus(id);
  if (!s) throw new NotFoundError('status', id);
  return s;
}

export function statusesRoutes(ctx: ApiContext): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    onlyQuery(req, ['execution_id', 'task_execution_id', 'limit']);
    const rows = await ctx.engine.store.delivery.listStatuses({
      executionId: queryOne(req, 'execution_id'),
      taskExecutionId: queryOne(req, 'task_execution_id'),
      limit: queryLimit(req, STATUSES_MAX_LIMIT, STATUSES_MAX_LIMIT),
    });
    res.json({ statuses: rows.map(statusResource) });
  });

  r.get('/:id', async (req, res) => {
    onlyQuery(req, []);
    res.json(statusResource(await getStatus(ctx, pathParam(req, 'id'))));
  });

  r.put('/:id', async (req, res) => {
    onlyQuery(req, []);
    const update = readStatusUpdate(req.body);
    res.json(statusResource(await ctx.delivery.updateStatus(pathParam(req, 'id'), update)));
  });

  return r;
}
