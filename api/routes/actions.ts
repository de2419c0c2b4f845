/**
 * /v2/actions: the system actions (the engine's registry: `std.*` and plug-ins, `is_system: true`) and the
 * ad-hoc actions (from workbooks, or uploaded on their own as an actions document). python-mistralclient shows
 * and deletes `/v2/actions/{name}/{namespace}`, with an empty namespace giving a trailing slash.
 */
import { Router, type Request } from 'express';
import { InvalidStateError, NotFoundError } from '../../common/index.js';
import type { ApiContext } from '../context.js';
import {
  adHocActionResource,
  bodyText,
  definitionText,
  listPage,
  listQuery,
  DEFINITION_FIELDS,
  namespaceFilter,
  systemActionId,
  systemActionResource,
  uploadBody,
  uploadOptions,
  verdict,
  type ListSpec,
  type Resource,
  pathParam,
} from '../definitions/index.js';
import { envelope, readPage } from '../paging.js';

interface Entry {
  resource: Resource;
  createdAt: number;
  updatedAt: number;
}

const LIST: ListSpec<Entry> = {
  id: (e) => e.resource.id,
  sortKeys: {
    created_at: (e) => e.createdAt,
    updated_at: (e) => e.updatedAt,
    name: (e) => e.resource.name as string,
    namespace: (e) => e.resource.namespace as string,
    scope: (e) => e.resource.scope as string,
    is_system: (e) => e.resource.is_system as boolean,
    id: (e) => e.resource.id,
  },
  filters: Object.fromEntries(
    [
      'id',
      'name',
      'namespace',
      'scope',
      'tags',
      'is_system',
      'input',
      'description',
      'definition',
      'created_at',
      'updated_at',
    ].map((f) => [f, (e: Entry) => e.resource[f]]),
  ),
};

const QUERY = listQuery(LIST, [...DEFINITION_FIELDS, 'is_system', 'input', 'description'], {
  defaultSortKey: 'name',
});

/** `/{identifier}` and `/{identifier}/{namespace}` (the client's form). */
const ONE = '/:identifier{/:namespace}';

export function actionsRoutes(ctx: ApiContext): Router {
  const { engine } = ctx;
  // Mistral registers its system actions at start-up: that is their creation time.
  const registeredAt = Date.now();
  const upload = uploadBody(ctx.config.maxBody);
  const r = Router();

  async function entries(): Promise<Entry[]> {
    const system = engine.actions.list().map((def) => ({
      resource: systemActionResource(def, registeredAt),
      createdAt: registeredAt,
      updatedAt: registeredAt,
    }));
    const stored = (await engine.store.listActionDefinitions()).map((row) => ({
      resource: adHocActionResource(row),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }));
    return [...system, ...stored];
  }

  function namespaceOf(req: Request): string | undefined {
    const ns = pathParam(req, 'namespace');
    return ns ? ns : namespaceFilter(req);
  }

  r.get('/', async (req, res) => {
    const page = readPage(req, QUERY);
    const shown = listPage(req, await entries(), LIST, page).map((e) => e.resource);
    res.json(envelope(req, 'actions', shown, page));
  });

  r.post('/validate', upload, (req, res) => {
    res.json(verdict(ctx.uploads.check(bodyText(req), 'actions')));
  });

  r.post('/', upload, async (req, res) => {
    const rows = await ctx.uploads.saveActions(definitionText(req), uploadOptions(req), false);
    res.status(201).json({ actions: rows.map(adHocActionResource) });
  });

  r.put('/', upload, async (req, res) => {
    const rows = await ctx.uploads.saveActions(definitionText(req), uploadOptions(req), true);
    res.json({ actions: rows.map(adHocActionResource) });
  });

  // python-mistralclient `action-update --id`: still answers a list, as Mistral does.
  r.put('/:identifier', upload, async (req, res) => {
    const identifier = pathParam(req, 'identifier');
    const rows = await ctx.uploads.saveActions(definitionText(req), uploadOptions(req), true, identifier);
    res.json({ actions: rows.map(adHocActionResource) });
  });

  r.get(ONE, async (req, res) => {
    const identifier = pathParam(req, 'identifier');
    const row = await engine.store.getActionDefinition(identifier, namespaceOf(req));
    if (row) {
      res.json(adHocActionResource(row));
      return;
    }
    const def =
      engine.actions.get(identifier) ??
      engine.actions.list().find((a) => systemActionId(a.name) === identifier);
    if (!def) throw new NotFoundError('action', identifier);
    res.json(systemActionResource(def, registeredAt));
  });

  r.delete(ONE, async (req, res) => {
    const identifier = pathParam(req, 'identifier');
    // A system action is named by its name or by its resource id (which only the API knows).
    if (engine.actions.list().some((a) => systemActionId(a.name) === identifier)) {
      throw new InvalidStateError(`Attempt to delete a system action: ${identifier}`);
    }
    await ctx.uploads.deleteAction(identifier, namespaceOf(req));
    res.status(204).end();
  });

  return r;
}
