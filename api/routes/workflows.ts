/**
 * /v2/workflows: standalone workflows, uploaded as YAML text that may define several (`{"workflows": [...]}`
 * comes back). Workflows of a workbook are listed and shown here too; they change only with their workbook
 * (updating one on its own is refused, 400), but may be deleted on their own, as in Mistral. The system workflows
 * (`std.create_instance`, `std.delete_instance`) are listed and shown with the stored ones and, as in Mistral,
 * can be neither updated nor deleted (400).
 */
import { Router } from 'express';
import { InvalidStateError, NotFoundError } from '../../common/index.js';
import type { WorkflowDefinitionRow } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import {
  bodyText,
  definitionText,
  listPage,
  listQuery,
  DEFINITION_FIELDS,
  DEFAULT_PROJECT_ID,
  namespaceFilter,
  uploadBody,
  uploadOptions,
  verdict,
  workflowInput,
  workflowResource,
  type ListSpec,
  pathParam,
} from '../definitions/index.js';
import { envelope, readPage } from '../paging.js';
import { time } from '../wire.js';

const LIST: ListSpec<WorkflowDefinitionRow> = {
  id: (w) => w.id,
  sortKeys: {
    created_at: (w) => w.createdAt,
    updated_at: (w) => w.updatedAt,
    name: (w) => w.name,
    namespace: (w) => w.namespace,
    scope: (w) => w.scope,
    id: (w) => w.id,
  },
  filters: {
    id: (w) => w.id,
    name: (w) => w.name,
    namespace: (w) => w.namespace,
    scope: (w) => w.scope,
    tags: (w) => w.tags,
    input: (w) => workflowInput(w.spec.input),
    definition: (w) => w.definition,
    project_id: () => DEFAULT_PROJECT_ID,
    created_at: (w) => time(w.createdAt),
    updated_at: (w) => time(w.updatedAt),
  },
};

const QUERY = listQuery(LIST, [...DEFINITION_FIELDS, 'input', 'interface'], { options: ['all_projects'] });

export function workflowsRoutes(ctx: ApiContext): Router {
  const { engine } = ctx;
  const upload = uploadBody(ctx.config.maxBody);
  const r = Router();

  async function find(identifier: string, namespace?: string): Promise<WorkflowDefinitionRow> {
    const row =
      (await engine.store.getWorkflowDefinition(identifier, namespace)) ??
      engine.definitions.systemWorkflows().find((w) => matches(w, identifier, namespace));
    if (!row) throw new NotFoundError('workflow', identifier);
    return row;
  }

  r.get('/', async (req, res) => {
    const page = readPage(req, QUERY);
    const rows = [...engine.definitions.systemWorkflows(), ...(await engine.store.listWorkflowDefinitions())];
    res.json(envelope(req, 'workflows', listPage(req, rows, LIST, page).map(workflowResource), page));
  });

  r.post('/validate', upload, (req, res) => {
    res.json(verdict(ctx.uploads.check(bodyText(req), 'workflows')));
  });

  r.post('/', upload, async (req, res) => {
    const saved = await ctx.uploads.createWorkflows(definitionText(req), uploadOptions(req));
    res.status(201).json({ workflows: saved.map(workflowResource) });
  });

  r.put('/', upload, async (req, res) => {
    const saved = await ctx.uploads.updateWorkflows(definitionText(req), uploadOptions(req));
    res.json({ workflows: saved.map(workflowResource) });
  });

  // Update one workflow by id (python-mistralclient `workflow-update --id`): answers the workflow alone.
  r.put('/:identifier', upload, async (req, res) => {
    const text = definitionText(req);
    const target = await find(pathParam(req, 'identifier'));
    engine.definitions.assertNotSystem(target);
    const [row] = await ctx.uploads.updateWorkflows(text, uploadOptions(req), target);
    if (!row) throw new NotFoundError('workflow', pathParam(req, 'identifier'));
    res.json(workflowResource(row));
  });

  // By name, a workflow is looked up in the namespace asked for, the default one ('') otherwise, as in Mistral:
  // a workflow that exists only in namespace `abc` is not found without `?namespace=abc`.
  r.get('/:identifier', async (req, res) => {
    res.json(workflowResource(await find(pathParam(req, 'identifier'), namespaceFilter(req) ?? '')));
  });

  r.delete('/:identifier', async (req, res) => {
    // A workbook's workflow too, as Mistral allows (the workbook keeps its text).
    const row = await find(pathParam(req, 'identifier'), namespaceFilter(req) ?? '');
    engine.definitions.assertNotSystem(row);
    const triggers = await engine.store.listCronTriggers({ workflowId: row.id });
    if (triggers.length > 0) {
      throw new InvalidStateError(
        `Can't delete workflow that has cron triggers associated. [workflow_identifier=${pathParam(req, 'identifier')}], ` +
          `[cron_trigger_id(s)=${triggers.map((tr) => tr.id).join(', ')}]`,
      );
    }
    const eventTriggers = await ctx.eventTriggers.usedBy(row.id);
    if (eventTriggers.length > 0) {
      throw new InvalidStateError(
        `Can't delete workflow that has event triggers associated. [workflow_identifier=${pathParam(req, 'identifier')}], ` +
          `[event_trigger_id(s)=${eventTriggers.map((tr) => tr.id).join(', ')}]`,
      );
    }
    await engine.definitions.deleteWorkflow(row.id);
    res.status(204).end();
  });

  return r;
}

/** The store's lookup rule: by id, or by name in `namespace` (in any namespace without one). */
function matches(row: WorkflowDefinitionRow, identifier: string, namespace: string | undefined): boolean {
  return row.id === identifier || (row.name === identifier && (namespace ?? row.namespace) === row.namespace);
}
