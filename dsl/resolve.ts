/**
 * How a name written in a document finds an ad-hoc action or workflow of the same document. Inside a workbook a
 * short name resolves to the workbook's own definition (`greet` → `wb.greet`) before it is taken as a full name;
 * names not defined in the document (std actions, plug-ins, stored workflows) are not resolved here.
 * The semantic checks and the engine use the same rule, so what validates is what runs.
 */
import type { DocumentSpec } from './spec.js';

function resolveIn(
  defined: Readonly<Record<string, unknown>>,
  name: string,
  workbook?: string,
): string | undefined {
  if (workbook !== undefined) {
    const local = `${workbook}.${name}`;
    if (Object.hasOwn(defined, local)) return local;
  }
  return Object.hasOwn(defined, name) ? name : undefined;
}

/** The key in `doc.actions` that `name`, written inside `workbook`, refers to; undefined if not an ad-hoc action. */
export function resolveAction(doc: DocumentSpec, name: string, workbook?: string): string | undefined {
  return resolveIn(doc.actions, name, workbook);
}

/** The key in `doc.workflows` that `name`, written inside `workbook`, refers to; undefined if not defined here. */
export function resolveWorkflow(doc: DocumentSpec, name: string, workbook?: string): string | undefined {
  return resolveIn(doc.workflows, name, workbook);
}
