/**
 * What every semantic check receives: the normalised document, where to report, where transitions and hooks came
 * from, and the caller's knowledge of names defined outside the document. Also the paths of workflows, tasks and
 * actions in the YAML, which depend on the document's kind.
 */
import type { IssueSink } from '../issues.js';
import type { DocumentSpec, InputParam, WorkflowSpec } from '../spec.js';
import type { Path } from '../source/paths.js';

/** Names the document may use without defining them. A check whose callback is absent is skipped. */
export interface DslOptions {
  /** Std actions, registered plug-ins: true when an action of that full name exists. */
  isKnownAction?: (name: string) => boolean;
  /** Workflows already stored: true when a workflow of that full name exists. */
  isKnownWorkflow?: (name: string) => boolean;
  /** The parameters an action defined outside the document takes; undefined when unknown (not checked). */
  actionParams?: (name: string) => readonly InputParam[] | undefined;
  /**
   * Reads a document that is not a workbook as an actions document, whatever its entries look like: the
   * endpoint that takes only actions (`POST /v2/actions`) reports an entry without `base` as a broken action
   * rather than as a workflow.
   */
  asActions?: boolean;
}

export interface CheckContext {
  doc: DocumentSpec;
  sink: IssueSink;
  origins: WeakMap<object, Path>;
  options: DslOptions;
}

export function workflowPath(doc: DocumentSpec, wf: WorkflowSpec): Path {
  return doc.kind === 'workbook' ? ['workflows', wf.shortName] : [wf.shortName];
}

/** Where an ad-hoc action is written: under `actions:` of a workbook, at the top of an actions document. */
export function actionPath(doc: DocumentSpec, action: { shortName: string }): Path {
  return doc.kind === 'actions' ? [action.shortName] : ['actions', action.shortName];
}

export function taskPath(doc: DocumentSpec, wf: WorkflowSpec, task: string): Path {
  return [...workflowPath(doc, wf), 'tasks', task];
}

/** Reports at a construct whose position the normaliser recorded (a transition, a hook). */
export function reportAt(
  c: CheckContext,
  item: { pos?: { line: number; col: number } },
  message: string,
  severity?: 'warning',
): void {
  const path = c.origins.get(item);
  if (item.pos) c.sink.atPosition(item.pos, message, path, severity);
  else if (path) c.sink.atPosition(c.sink.src.locate(path), message, path, severity);
}
