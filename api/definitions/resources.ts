/**
 * The definition resources on the wire, field for field as Mistral's API v2 returns them (what
 * python-mistralclient reads): workbooks, workflows, actions (standard and ad-hoc) and environments.
 *
 * Mistral conventions kept here: `updated_at` stays null until the first update; without Keystone every resource
 * belongs to the project `<default-project>`; a workflow's `input` is one string (`name, greeting="Hello"`); an
 * environment's `variables` is a JSON string.
 */
import type { ActionDefinition } from '../../actions/index.js';
import type { InputParam } from '../../dsl/index.js';
import type {
  ActionDefinitionRow,
  EnvironmentRow,
  WorkbookRow,
  WorkflowDefinitionRow,
} from '../../store/index.js';
import { stableId } from '../../common/index.js';
import { jsonDumps, pyStr } from '../../dsl/index.js';
import { jsonString, time } from '../wire.js';
import { workflowDefinitionText } from './definition-text.js';

/** Mistral's project id when authentication is off. */
import { PROJECT_ID } from '../../engine/index.js';
export const DEFAULT_PROJECT_ID = PROJECT_ID;

export type Resource = Record<string, unknown> & { id: string };

interface Timestamps {
  createdAt: number;
  updatedAt: number;
}

function timestamps(row: Timestamps): { created_at: string | null; updated_at: string | null } {
  return {
    created_at: time(row.createdAt),
    // Mistral's `updated_at` is set by the first UPDATE, so a definition never changed has none.
    updated_at: row.updatedAt > row.createdAt ? time(row.updatedAt) : null,
  };
}

export function workbookId(row: Pick<WorkbookRow, 'name' | 'namespace'>): string {
  return stableId('workbook', `${row.namespace}/${row.name}`);
}

export function systemActionId(name: string): string {
  return stableId('action', name);
}

export function workbookResource(row: WorkbookRow): Resource {
  return {
    id: workbookId(row),
    name: row.name,
    namespace: row.namespace,
    definition: row.definition,
    tags: row.tags,
    scope: row.scope,
    project_id: DEFAULT_PROJECT_ID,
    ...timestamps(row),
  };
}

/**
 * `a, b="Hello", c="{'k': 1}", d="None"`: Mistral 15's `Workflow._set_input` (Python `str()` of each default, in
 * double quotes, as the real server shows it).
 */
export function workflowInput(params: InputParam[]): string {
  return params.map((p) => (p.hasDefault ? `${p.name}="${pyStr(p.default)}"` : p.name)).join(', ');
}

/** `a, b="Hello"`: Mistral's `get_input_list` for actions (`json.dumps` of each default). */
export function actionInput(params: InputParam[]): string {
  return params.map((p) => (p.hasDefault ? `${p.name}=${jsonDumps(p.default)}` : p.name)).join(', ');
}

/** Mistral 15's `interface`: the input as written (a name, or `{name: default}`) and the output's keys. */
export function workflowInterface(spec: WorkflowDefinitionRow['spec']): {
  input: unknown[];
  output: string[];
} {
  const output = spec.output;
  return {
    input: spec.input.map((p) => (p.hasDefault ? { [p.name]: p.default ?? null } : p.name)),
    output:
      output !== null && typeof output === 'object' && !Array.isArray(output) ? Object.keys(output) : [],
  };
}

export function workflowResource(row: WorkflowDefinitionRow): Resource {
  return {
    id: row.id,
    name: row.name,
    namespace: row.namespace,
    input: workflowInput(row.spec.input),
    interface: workflowInterface(row.spec),
    definition: workflowDefinitionText(row),
    tags: row.tags,
    scope: row.scope,
    project_id: DEFAULT_PROJECT_ID,
    ...timestamps(row),
  };
}

export function adHocActionResource(row: ActionDefinitionRow): Resource {
  return {
    id: row.id,
    name: row.name,
    namespace: row.namespace,
    is_system: false,
    input: actionInput(row.spec.input),
    description: row.spec.description ?? null,
    tags: row.tags,
    definition: row.definition,
    scope: row.scope,
    project_id: DEFAULT_PROJECT_ID,
    ...timestamps(row),
  };
}

/** A registered (standard or plug-in) action; `registeredAt` stands for Mistral's creation time at start-up. */
export function systemActionResource(def: ActionDefinition, registeredAt: number): Resource {
  return {
    id: systemActionId(def.name),
    name: def.name,
    namespace: '',
    is_system: true,
    input: actionInput(def.input),
    description: def.description ?? '',
    tags: [],
    definition: null,
    scope: 'public',
    project_id: DEFAULT_PROJECT_ID,
    ...timestamps({ createdAt: registeredAt, updatedAt: registeredAt }),
  };
}

export function environmentResource(row: EnvironmentRow): Resource {
  return {
    id: row.id,
    name: row.name,
    description: row.description === '' ? null : row.description,
    variables: jsonString(row.variables),
    scope: row.scope,
    project_id: DEFAULT_PROJECT_ID,
    ...timestamps(row),
  };
}
