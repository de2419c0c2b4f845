/**
 * A diagram from a workflow's definition text as a server returns it: Tramontane returns the whole document
 * (workbook or workflows), Mistral only the workflow's own section, without `version`. Both parse here; the
 * workflow is then found by its qualified name or its short name.
 */
import { TramError } from '../common/index.js';
import { analyseDocument, type WorkflowSpec } from '../dsl/index.js';
import { diagramOf, type Diagram } from './model.js';

function workflowsOf(text: string): WorkflowSpec[] {
  for (const candidate of [text, `version: '2.0'\n${text}`]) {
    const { document } = analyseDocument(candidate, '<definition>');
    if (document && Object.keys(document.workflows).length > 0) return Object.values(document.workflows);
  }
  return [];
}

export function diagramFromDefinition(text: string, name: string): Diagram {
  const workflows = workflowsOf(text);
  const short = name.slice(name.lastIndexOf('.') + 1);
  const found =
    workflows.find((w) => w.name === name) ??
    workflows.find((w) => w.shortName === short) ??
    (workflows.length === 1 ? workflows[0] : undefined);
  if (!found)
    throw new TramError('DSL_INVALID', `the definition of ${name} holds no workflow that can be drawn`);
  return diagramOf(found);
}
