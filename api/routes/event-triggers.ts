/**
 * /v2/event_triggers, as Mistral 15 answers it (python-mistralclient's event-trigger-create / -list / -get /
 * -delete and Mistral's tempest tests): create (201; exchange, topic, event and workflow_id required), list
 * (`{"event_triggers": [...]}`, paged and filtered), get, update (never exchange, topic or event) and delete
 * by id. `filter` and `input_map` are Tramontane's extensions, shown only when set.
 */
import { Router } from 'express';
import { InvalidInputError } from '../../common/index.js';
import { PROJECT_ID } from '../../engine/index.js';
import type { EventTriggerRow } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import type { EventTriggerChange, EventTriggerRequest } from '../event-triggers/rules.js';
import { envelope, readPage, type ListQuery } from '../paging.js';
import { filterValue } from '../runtime/requests.js';
import { jsonString, optionalString, parseJsonField, time } from '../wire.js';

/** What WSME accepts in the body (Mistral's resource), plus our extensions; anything else is a 400. */
const KNOWN = new Set([
  'id',
  'name',
  'workflow_id',
  'workflow_input',
  'workflow_params',
  'exchange',
  'topic',
  'event',
  'scope',
  'project_id',
  'created_at',
  'updated_at',
  'filter',
  'input_map',
]);
const REQUIRED = ['event', 'topic', 'workflow_id', 'exchange'];
const NOT_UPDATABLE = ['exchange', 'topic', 'event'];

function resource(t: EventTriggerRow): Record<string, unknown> {
  return {
    id: t.id,
    created_at: time(t.createdAt),
    updated_at: t.updatedAt === null ? null : time(t.updatedAt),
    project_id: PROJECT_ID,
    name: t.name,
    workflow_id: t.workflowId,
    workflow_input: jsonString(t.workflowInput),
    workflow_params: jsonString(t.workflowParams),
    exchange: t.exchange,
    topic: t.topic,
    event: t.event,
    scope: t.scope,
    ...(t.filter !== null ? { filter: t.filter } : {}),
    ...(t.inputMap !== null ? { input_map: jsonString(t.inputMap) } : {}),
  };
}

function bodyOf(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidInputError('the request body must be a JSON object', 'body');
  }
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (!KNOWN.has(k)) throw new InvalidInputError(`Unknown attribute for argument event_trigger: ${k}`, k);
  }
  return b;
}

function objectField(b: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
  return parseJsonField(b[field], field) as Record<string, unknown> | undefined;
}

function readCreate(body: unknown): EventTriggerRequest {
  const b = bodyOf(body);
  const missing = REQUIRED.filter((f) => !optionalString(b, f));
  if (missing.length > 0) {
    throw new InvalidInputError(
      `Params {${REQUIRED.map((f) => `'${f}'`).join(', ')}} must be provided for creating event trigger.`,
      missing[0],
    );
  }
  return {
    name: optionalString(b, 'name') ?? '',
    workflowId: optionalString(b, 'workflow_id') as string,
    exchange: optionalString(b, 'exchange') as string,
    topic: optionalString(b, 'topic') as string,
    event: optionalString(b, 'event') as string,
    workflowInput: objectField(b, 'workflow_input'),
    workflowParams: objectField(b, 'workflow_params'),
    scope: optionalString(b, 'scope'),
    filter: optionalString(b, 'filter'),
    inputMap: objectField(b, 'input_map'),
  };
}

function readUpdate(body: unknown): EventTriggerChange {
  const b = bodyOf(body);
  for (const f of NOT_UPDATABLE) {
    if (b[f]) {
      throw new InvalidInputError(
        `Can not update fields ${`[${NOT_UPDATABLE.map((x) => `'${x}'`).join(', ')}]`} of event trigger.`,
        f,
      );
    }
  }
  return {
    name: optionalString(b, 'name'),
    workflowInput: objectField(b, 'workflow_input'),
    workflowParams: objectField(b, 'workflow_params'),
    scope: optionalString(b, 'scope'),
    filter: optionalString(b, 'filter'),
    inputMap: objectField(b, 'input_map'),
  };
}

const QUERY: ListQuery = {
  filters: ['name', 'workflow_id', 'exchange', 'topic', 'event', 'scope'],
  options: ['all_projects'],
  fields: [...KNOWN],
};

const one = filterValue;

export function eventTriggersRoutes(ctx: ApiContext): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const row = await ctx.eventTriggers.create(readCreate(req.body));
    res.status(201).json(resource(row));
  });

  r.get('/', async (req, res) => {
    const page = readPage(req, QUERY);
    const rows = await ctx.eventTriggers.list({
      ...page,
      name: one(req, 'name'),
      workflowId: one(req, 'workflow_id'),
      exchange: one(req, 'exchange'),
      topic: one(req, 'topic'),
      event: one(req, 'event'),
      scope: one(req, 'scope'),
    });
    res.json(envelope(req, 'event_triggers', rows.map(resource), page));
  });

  r.get('/:id', async (req, res) => {
    res.json(resource(await ctx.eventTriggers.get(req.params.id)));
  });

  r.put('/:id', async (req, res) => {
    res.json(resource(await ctx.eventTriggers.update(req.params.id, readUpdate(req.body))));
  });

  r.delete('/:id', async (req, res) => {
    await ctx.eventTriggers.delete(req.params.id);
    res.status(204).end();
  });

  return r;
}
