/**
 * The resources of Mistral's REST API v2 as the CLI reads them, and the one quirk of their wire format: `input`,
 * `output`, `params`, `published`, `result`, `variables` (and the cron trigger's `workflow_input` and
 * `workflow_params`) are JSON *strings* inside the JSON document. `decode` parses them once, on arrival, so that
 * tables and `--json` output show real values.
 */
import type { TaskState, WorkflowState } from '../../engine/index.js';

/**
 * Fields that Mistral sends as JSON text, per resource. A workflow's or an action's `input` is not one of them:
 * it is a plain parameter list (`name, greeting="Hello"`).
 */
export const JSON_TEXT_FIELDS = {
  execution: ['input', 'output', 'params', 'published_global'],
  task: ['result', 'published', 'published_global', 'runtime_context', 'env'],
  actionExecution: ['input', 'output', 'params'],
  cronTrigger: ['workflow_input', 'workflow_params'],
  environment: ['variables'],
  none: [],
} as const satisfies Record<string, readonly string[]>;

export type ResourceKind = keyof typeof JSON_TEXT_FIELDS;

/** Every resource has an id; the rest is typed where the CLI relies on it. */
export interface Resource {
  id: string;
  [field: string]: unknown;
}

export interface Workbook extends Resource {
  name: string;
  namespace?: string;
  definition?: string;
}

export interface Workflow extends Resource {
  name: string;
  /** A workflow's input stays text in Mistral: `name, greeting="Hello"`. */
  input?: string;
  definition?: string;
}

export interface Action extends Resource {
  name: string;
}

export interface Execution extends Resource {
  workflow_name: string;
  state: WorkflowState;
  state_info: string | null;
  input?: unknown;
  output?: unknown;
  params?: unknown;
}

export interface Task extends Resource {
  name: string;
  workflow_execution_id: string;
  state: TaskState;
  state_info: string | null;
  result?: unknown;
  published?: unknown;
}

export interface ActionExecution extends Resource {
  name: string;
  state: TaskState;
  output?: unknown;
}

export interface CronTrigger extends Resource {
  name: string;
  workflow_name: string;
  pattern: string | null;
}

export interface Environment extends Resource {
  name: string;
  variables?: unknown;
}

/** `{valid: true}` or `{valid: false, error: "..."}` from the `validate` endpoints. */
export interface Validation {
  valid: boolean;
  error?: string | null;
}

/** Parses one JSON-text field; text that is not JSON stays as it is (a server may send plain strings). */
export function decodeJsonText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** The resource with the JSON-text fields of its kind parsed. */
export function decode<T extends Resource>(kind: ResourceKind, resource: T): T {
  const out: Record<string, unknown> = { ...resource };
  for (const f of JSON_TEXT_FIELDS[kind]) if (f in out) out[f] = decodeJsonText(out[f]);
  return out as T;
}

/** A value as Mistral expects it in a request: JSON text. */
export function encodeJsonText(v: unknown): string {
  return JSON.stringify(v);
}
