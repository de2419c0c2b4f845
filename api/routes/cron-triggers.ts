/**
 * /v2/cron_triggers, as python-mistralclient speaks it: create (201), list (`{"cron_triggers": [...]}`, paged
 * and filtered), get and delete by name or id. Triggers are immutable: there is no PUT.
 */
import { Router } from 'express';
import { InvalidInputError } from '../../common/index.js';
import type { CronTriggerRow } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import type { CronTriggerRequest } from '../cron/triggers.js';
import { envelope, readPage, type ListQuery } from '../paging.js';
import { DEFAULT_RUNTIME_LIMIT } from '../runtime/list-queries.js';
import { filterValue } from '../runtime/requests.js';
import { jsonString, optionalString, parseJsonField, time } from '../wire.js';
import { PROJECT_ID } from '../../engine/index.js';

const FIRST_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

function resource(t: CronTriggerRow): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    pattern: t.pattern,
    workflow_name: t.workflowName,
    workflow_id: t.workflowId,
    workflow_input: jsonString(t.workflowInput),
    workflow_params: jsonString(t.workflowParams),
    scope: t.scope,
    first_execution_time: time(t.firstExecutionTime),
    next_execution_time: time(t.nextExecutionTime),
    remaining_executions: t.remainingExecutions,
    project_id: PROJECT_ID,
    created_at: time(t.createdAt),
    updated_at: time(t.updatedAt),
  };
}

/** `YYYY-MM-DD HH:MM` (seconds allowed), in UTC as the client sends it, to epoch ms. */
function firstTime(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const m = FIRST_TIME_RE.exec(v.trim());
  if (m) {
    const [, y, mo, d, h, mi, s = '00'] = m;
    const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
    // Reading the time back refuses dates that do not exist (Feb 30) instead of rolling them over.
    if (!Number.isNaN(ms) && time(ms) === `${y}-${mo}-${d} ${h}:${mi}:${s}`) return ms;
  }
  throw new InvalidInputError(
    `'first_execution_time' must read YYYY-MM-DD HH:MM (UTC): ${v}`,
    'first_execution_time',
  );
}

/** An integer, or the text of one (Mistral's WSME converts `"42"`). */
function remaining(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && /^\s*[+-]?\d{1,15}\s*$/.test(v)) return Number(v);
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new InvalidInputError(`'remaining_executions' must be an integer`, 'remaining_executions');
  }
  return v;
}

function readCreate(body: unknown): CronTriggerRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidInputError('the request body must be a JSON object', 'body');
  }
  const b = body as Record<string, unknown>;
  const name = optionalString(b, 'name');
  if (!name) throw new InvalidInputError(`'name' is required`, 'name');
  // Mistral uses the id when both are given.
  const workflow = optionalString(b, 'workflow_id') || optionalString(b, 'workflow_name');
  if (!workflow) throw new InvalidInputError(`'workflow_name' or 'workflow_id' is required`, 'workflow_name');
  return {
    name,
    workflow,
    workflowInput: parseJsonField(b.workflow_input, 'workflow_input') as Record<string, unknown> | undefined,
    workflowParams: parseJsonField(b.workflow_params, 'workflow_params') as
      Record<string, unknown> | undefined,
    pattern: optionalString(b, 'pattern'),
    firstExecutionTime: firstTime(optionalString(b, 'first_execution_time')),
    remainingExecutions: remaining(b.remaining_executions),
  };
}

const QUERY: ListQuery = {
  filters: ['name', 'workflow_name', 'workflow_id', 'pattern', 'scope'],
  options: ['all_projects'],
  fields: [
    'id',
    'name',
    'workflow_name',
    'workflow_id',
    'workflow_input',
    'workflow_params',
    'project_id',
    'scope',
    'pattern',
    'remaining_executions',
    'first_execution_time',
    'next_execution_time',
    'created_at',
    'updated_at',
  ],
  defaultLimit: DEFAULT_RUNTIME_LIMIT,
};

const one = filterValue;

export function cronTriggersRoutes(ctx: ApiContext): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const row = await ctx.cron.create(readCreate(req.body));
    res.status(201).json(resource(row));
  });

  r.get('/', async (req, res) => {
    const page = readPage(req, QUERY);
    const rows = await ctx.cron.list({
      ...page,
      name: one(req, 'name'),
      workflowName: one(req, 'workflow_name'),
      workflowId: one(req, 'workflow_id'),
      pattern: one(req, 'pattern'),
      scope: one(req, 'scope'),
    });
    res.json(envelope(req, 'cron_triggers', rows.map(resource), page));
  });

  r.get('/:identifier', async (req, res) => {
    res.json(resource(await ctx.cron.get(req.params.identifier)));
  });

  r.delete('/:identifier', async (req, res) => {
    await ctx.cron.delete(req.params.identifier);
    res.status(204).end();
  });

  return r;
}
