/**
 * /v2/workbooks: upload (YAML text), update, list, show, delete and validate workbooks. A workbook's name comes
 * from its document, so `PUT /v2/workbooks` updates the workbook the text names. Workbooks live in a namespace
 * (`?namespace=`, default '').
 */
import { Router } from 'express';
import { NotFoundError } from '../../common/index.js';
import type { WorkbookRow } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import {
  definitionText,
  bodyText,
  listPage,
  listQuery,
  DEFINITION_FIELDS,
  namespaceParam,
  uploadBody,
  uploadOptions,
  verdict,
  workbookId,
  workbookResource,
  type ListSpec,
  pathParam,
} from '../definitions/index.js';
import { envelope, readPage } from '../paging.js';
import { time } from '../wire.js';

const LIST: ListSpec<WorkbookRow> = {
  id: workbookId,
  sortKeys: {
    created_at: (w) => w.createdAt,
    updated_at: (w) => w.updatedAt,
    name: (w) => w.name,
    namespace: (w) => w.namespace,
    scope: (w) => w.scope,
    id: workbookId,
  },
  filters: {
    name: (w) => w.name,
    namespace: (w) => w.namespace,
    scope: (w) => w.scope,
    tags: (w) => w.tags,
    definition: (w) => w.definition,
    created_at: (w) => time(w.createdAt),
    updated_at: (w) => time(w.updatedAt),
  },
};

const QUERY = listQuery(LIST, DEFINITION_FIELDS);

export function workbooksRoutes(ctx: ApiContext): Router {
  const { engine } = ctx;
  const upload = uploadBody(ctx.config.maxBody);
  const r = Router();

  r.get('/', async (req, res) => {
    const page = readPage(req, QUERY);
    const rows = await engine.store.listWorkbooks();
    res.json(envelope(req, 'workbooks', listPage(req, rows, LIST, page).map(workbookResource), page));
  });

  r.post('/validate', upload, (req, res) => {
    res.json(verdict(ctx.uploads.check(bodyText(req), 'workbook')));
  });

  r.post('/', upload, async (req, res) => {
    const saved = await ctx.uploads.saveWorkbook(definitionText(req), uploadOptions(req), false);
    res.status(201).json(workbookResource(saved));
  });

  r.put('/', upload, async (req, res) => {
    res.json(workbookResource(await ctx.uploads.saveWorkbook(definitionText(req), uploadOptions(req), true)));
  });

  r.get('/:name', async (req, res) => {
    const row = await engine.store.getWorkbook(pathParam(req, 'name'), namespaceParam(req));
    if (!row) throw new NotFoundError('workbook', pathParam(req, 'name'));
    res.json(workbookResource(row));
  });

  r.delete('/:name', async (req, res) => {
    await ctx.uploads.deleteWorkbook(pathParam(req, 'name'), namespaceParam(req));
    res.status(204).end();
  });

  return r;
}
