/**
 * Checks of names against Mistral's limits: a workflow name must not look like a UUID (the API takes either a
 * name or an id in the same place), task names fit the database columns, and a standalone document defines at
 * least one workflow.
 */
import type { WorkflowSpec } from '../spec.js';
import type { CheckContext } from './context.js';
import { taskPath, workflowPath } from './context.js';

/** Task names are stored in 255 characters; a join task's lock key (`join-task-<uuid>-<name>`) adds 47. */
const MAX_TASK_NAME = 255;
const MAX_JOIN_TASK_NAME = MAX_TASK_NAME - 47;

/** oslo's is_uuid_like: 32 hex digits once braces, `urn:`/`uuid:` prefixes and hyphens are removed. */
export function isUuidLike(name: string): boolean {
  const bare = name
    .toLowerCase()
    .replace(/^urn:/, '')
    .replace(/^uuid:/, '')
    .replace(/[{}-]/g, '');
  return /^[0-9a-f]{32}$/.test(bare);
}

export function checkDocumentNames(c: CheckContext): void {
  if (c.doc.kind === 'workflows' && Object.keys(c.doc.workflows).length === 0 && c.sink.count === 0) {
    c.sink.at([], 'document defines no workflow');
  }
  // An actions document without actions: said here, after `version` was checked (the schema would only say
  // that the document is empty).
  if (c.doc.kind === 'actions' && Object.keys(c.doc.actions).length === 0 && c.sink.count === 0) {
    c.sink.at([], 'document defines no action');
  }
  for (const wf of Object.values(c.doc.workflows)) {
    if (isUuidLike(wf.shortName)) {
      c.sink.at(workflowPath(c.doc, wf), `workflow name '${wf.shortName}' must not have the form of a UUID`);
    }
    checkTaskNames(c, wf);
  }
}

function checkTaskNames(c: CheckContext, wf: WorkflowSpec): void {
  for (const task of Object.values(wf.tasks)) {
    const limit = task.join !== undefined && wf.type === 'direct' ? MAX_JOIN_TASK_NAME : MAX_TASK_NAME;
    if (task.name.length <= limit) continue;
    const what = limit === MAX_TASK_NAME ? 'task name' : 'join task name';
    const message = `${what} '${task.name.slice(0, 20)}…' is ${task.name.length} characters long (at most ${limit})`;
    c.sink.at(taskPath(c.doc, wf, task.name), message);
  }
}
