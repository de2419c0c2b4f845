/**
 * /v2/environments: named sets of variables that executions read with `env()` (`params.env` names one). The body
 * is JSON `{name, description, variables, scope}`; `variables` may be an object or, as python-mistralclient
 * sends it, a JSON string. `PUT` updates the environment its body names, changing only the fields given.
 */
import { Router, type Request } from 'express';
import { ConflictError, InvalidInputError, NotFoundError, newId } from '../../common/index.js';
import type { EnvironmentRow } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import {
  environmentResource,
  listPage,
  listQuery,
  scopeValue,
  uploadBody,
  type ListSpec,
  pathParam,
} from '../definitions/index.js';
import { envelope, readPage } from '../paging.js';
import { optionalString, parseJsonField, time } from '../wire.js';

const LIST: ListSpec<EnvironmentRow> = {
  id: (e) => e.id,
  sortKeys: {
    created_at: (e) => e.createdAt,
    updated_at: (e) => e.updatedAt,
    name: (e) => e.name,
    description: (e) => e.description,
    scope: (e) => e.scope,
    id: (e) => e.id,
  },
  filters: {
    id: (e) => e.id,
    name: (e) => e.name,
    description: (e) => e.description,
    scope: (e) => e.scope,
    variables: (e) => JSON.stringify(e.variables),
    created_at: (e) => time(e.createdAt),
    updated_at: (e) => time(e.updatedAt),
  },
};

const QUERY = listQuery(LIST, [
  'id',
  'name',
  'description',
  'variables',
  'scope',
  'project_id',
  'created_at',
  'updated_at',
]);

/** Mistral refuses any other key ("Only: [...] are allowed as definition keys"). */
const KEYS = ['name', 'description', 'variables', 'scope'];

interface EnvironmentInput {
  name: string;
  description?: string;
  variables?: Record<string, unknown>;
  scope?: string;
}

function readBody(req: Request): EnvironmentInput {
  let body: unknown = req.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      throw new InvalidInputError('the request body must be a JSON object', 'body');
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidInputError('the request body must be a JSON object', 'body');
  }
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).find((k) => !KEYS.includes(k));
  if (unknown !== undefined) {
    throw new InvalidInputError(
      `unknown field '${unknown}': only ${KEYS.join(', ')} are allowed in an environment`,
      unknown,
    );
  }
  const name = b.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidInputError("'name' is required: a non-empty string", 'name');
  }
  return {
    name,
    description: optionalString(b, 'description'),
    variables: parseJsonField(b.variables, 'variables') as Record<string, unknown> | undefined,
    scope: b.scope === undefined || b.scope === null ? undefined : scopeValue(b.scope),
  };
}

export function environmentsRoutes(ctx: ApiContext): Router {
  const { store } = ctx.engine;
  // A body without a content type is read as text, then as JSON.
  const body = uploadBody(ctx.config.maxBody);
  const r = Router();

  async function find(name: string): Promise<EnvironmentRow> {
    const row = await store.getEnvironment(name);
    if (!row) throw new NotFoundError('environment', name);
    return row;
  }

  r.get('/', async (req, res) => {
    const page = readPage(req, QUERY);
    const rows = await store.listEnvironments();
    res.json(envelope(req, 'environments', listPage(req, rows, LIST, page).map(environmentResource), page));
  });

  r.post('/', body, async (req, res) => {
    const input = readBody(req);
    if (await store.getEnvironment(input.name)) {
      throw new ConflictError(`environment already exists: ${input.name}`);
    }
    const now = Date.now();
    const row: EnvironmentRow = {
      id: newId(),
      name: input.name,
      description: input.description ?? '',
      variables: input.variables ?? {},
      scope: input.scope ?? 'private',
      createdAt: now,
      updatedAt: now,
    };
    await store.putEnvironment(row);
    res.status(201).json(environmentResource(row));
  });

  r.put('/', body, async (req, res) => {
    const input = readBody(req);
    const previous = await find(input.name);
    const row: EnvironmentRow = {
      ...previous,
      description: input.description ?? previous.description,
      variables: input.variables ?? previous.variables,
      scope: input.scope ?? previous.scope,
      updatedAt: Math.max(Date.now(), previous.createdAt + 1),
    };
    await store.putEnvironment(row);
    res.json(environmentResource(row));
  });

  r.get('/:name', async (req, res) => {
    res.json(environmentResource(await find(pathParam(req, 'name'))));
  });

  r.delete('/:name', async (req, res) => {
    if (!(await store.deleteEnvironment(pathParam(req, 'name')))) {
      throw new NotFoundError('environment', pathParam(req, 'name'));
    }
    res.status(204).end();
  });

  return r;
}
