/**
 * Engine records as Mistral's v2 resources (`mistral/api/controllers/v2/resources.py`), field for field, so that
 * python-mistralclient and other Mistral clients read them unchanged: snake_case names, `YYYY-MM-DD HH:MM:SS`
 * timestamps, and `input` / `output` / `params` / `published` / `result` / `runtime_context` as JSON strings.
 */
import type { ActionExecutionRecord, ExecutionRecord, TaskRecord } from '../../engine/index.js';
import { jsonString, time } from '../wire.js';

/** Mistral reports a project on every resource; without multi-tenancy it is one constant (as in notify payloads). */
import { PROJECT_ID } from '../../engine/index.js';
export { PROJECT_ID };

export interface ExecutionResourceOptions {
  /**
   * Include `output`. Mistral leaves it out of lists unless `include_output=true` (it is the heavy field).
   * @default true
   */
  output?: boolean;
}

export function executionResource(
  r: ExecutionRecord,
  opts: ExecutionResourceOptions = {},
): Record<string, unknown> {
  const res: Record<string, unknown> = {
    id: r.id,
    workflow_id: r.workflowId,
    workflow_name: r.workflowName,
    workflow_namespace: r.workflowNamespace,
    description: r.description,
    tags: r.tags,
    params: jsonString(r.params ?? {}),
    task_execution_id: r.taskExecutionId,
    root_execution_id: r.rootExecutionId,
    // Mistral accepts it on create (to copy an earlier execution) but does not store it.
    source_execution_id: null,
    state: r.state,
    state_info: r.stateInfo,
    input: jsonString(r.input ?? {}),
    created_at: time(r.createdAt),
    updated_at: time(r.updatedAt),
    project_id: PROJECT_ID,
    published_global: jsonString(r.publishedGlobal ?? {}),
  };
  if (opts.output !== false) res.output = jsonString(r.output);
  return res;
}

export function taskResource(r: TaskRecord): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    workflow_name: r.workflowName,
    workflow_namespace: r.workflowNamespace,
    workflow_id: r.workflowId,
    workflow_execution_id: r.workflowExecutionId,
    tags: [],
    state: r.state,
    state_info: r.stateInfo,
    project_id: PROJECT_ID,
    runtime_context: jsonString(r.runtimeContext ?? {}),
    // Mistral always serialises the result, so a task whose action returned nothing reads "null".
    result: JSON.stringify(r.result ?? null),
    published: jsonString(r.published ?? {}),
    // Mistral derives it from the execution's context per task; the engine keeps globals per execution only.
    published_global: null,
    processed: r.processed,
    reset: false,
    env: null,
    created_at: time(r.createdAt),
    updated_at: time(r.updatedAt),
    started_at: time(r.startedAt),
    finished_at: time(r.finishedAt),
  };
}

export function actionExecutionResource(
  r: ActionExecutionRecord,
  opts: ExecutionResourceOptions = {},
): Record<string, unknown> {
  const res: Record<string, unknown> = {
    id: r.id,
    name: r.name,
    // An action run on its own has no workflow: Mistral shows null.
    workflow_name: r.workflowName || null,
    workflow_namespace: r.workflowNamespace ?? '',
    workflow_execution_id: r.workflowExecutionId || null,
    task_name: r.taskName,
    task_execution_id: r.taskExecutionId,
    state: r.state,
    state_info: r.stateInfo,
    tags: [],
    accepted: r.accepted,
    input: jsonString(r.input ?? {}),
    description: r.description ?? '',
    params: jsonString({}),
    created_at: time(r.createdAt),
    updated_at: time(r.updatedAt),
  };
  if (opts.output !== false) res.output = jsonString(r.output);
  return res;
}
