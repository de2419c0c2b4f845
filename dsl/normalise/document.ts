/**
 * Step 3 of the pipeline, the top: a whole document → DocumentSpec. A workbook's workflows and actions get
 * qualified names (`wb.wf`, `wb.action`) and keep their key as `shortName`; a standalone document's workflows are
 * named by their key, as are the actions of a standalone actions document. `version` keys (allowed by Mistral inside `workflows:` and `actions:`) are skipped. A
 * workbook's `listeners:` (our extension) is read once its workflows are known (`listeners.ts`).
 */
import type { AdHocActionSpec, DocumentSpec, WorkflowSpec } from '../spec.js';
import { isRecord } from '../source/paths.js';
import { readAction } from './action.js';
import type { NormaliseContext } from './context.js';
import { readListeners } from './listeners.js';
import { readWorkflow } from './workflow.js';
import type { QualifiedNames } from './values.js';
import { stringList } from './values.js';

export function readDocument(ctx: NormaliseContext, data: unknown): DocumentSpec {
  const root = isRecord(data) ? data : {};
  const doc: DocumentSpec = {
    kind: ctx.sink.kind,
    tags: [],
    workflows: {},
    actions: {},
    source: ctx.src.text,
    file: ctx.src.file,
  };
  if (doc.kind === 'actions') {
    for (const [key, action] of entries(root)) {
      doc.actions[key] = readAction(ctx, [key], { name: key, shortName: key }, action);
    }
    return doc;
  }
  if (doc.kind === 'workflows') {
    for (const [key, wf] of entries(root)) {
      doc.workflows[key] = readWorkflow(ctx, [key], { name: key, shortName: key }, wf);
    }
    return doc;
  }
  const wb = root['name'] === undefined ? '' : String(root['name']);
  doc.name = wb;
  doc.tags = stringList(root['tags']);
  if (typeof root['description'] === 'string') doc.description = root['description'];
  const qualify = (key: string): QualifiedNames => ({ name: `${wb}.${key}`, shortName: key, workbook: wb });
  const workflows: Record<string, WorkflowSpec> = {};
  for (const [key, wf] of entries(root['workflows'])) {
    workflows[`${wb}.${key}`] = readWorkflow(ctx, ['workflows', key], qualify(key), wf);
  }
  const actions: Record<string, AdHocActionSpec> = {};
  for (const [key, action] of entries(root['actions'])) {
    actions[`${wb}.${key}`] = readAction(ctx, ['actions', key], qualify(key), action);
  }
  doc.workflows = workflows;
  doc.actions = actions;
  const listeners = readListeners(ctx, doc, root['listeners']);
  if (listeners) doc.listeners = listeners;
  return doc;
}

/** The named entries of a section, without its `version` key. */
function entries(section: unknown): [string, unknown][] {
  return isRecord(section) ? Object.entries(section).filter(([k]) => k !== 'version') : [];
}
