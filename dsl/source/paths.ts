/**
 * Paths inside a document (`['workflows', 'main', 'tasks', 't1', 'on-success', 0]`) and the words people use for
 * them. Every issue is located by a path; this module turns a path into a JSON pointer (the `path` of a DslIssue)
 * and into the subject of a message ("task 't1': 'on-success[0]'"), so all messages name things the same way.
 */

/** A path into the YAML data: mapping keys are strings, sequence indexes numbers. */
export type Path = readonly (string | number)[];

/** Which of the three document shapes of the language a text is. */
export type DocumentKind = 'workbook' | 'workflows' | 'actions';

/**
 * A document is a workbook when it has a scalar `name` (a mapping under `name` would be a workflow called "name")
 * or a `workflows` / `actions` section. Looking at `workflows` and `actions` too means a workbook that forgot its
 * `name` is reported as exactly that, not as two odd workflows. Otherwise it is a standalone actions document
 * (what `mistral action-create` takes) when every entry has a `base` and none has `tasks`, and a standalone set
 * of workflows when not.
 */
export function documentKind(data: unknown): DocumentKind {
  if (!isRecord(data)) return 'workflows';
  const name = data['name'];
  if (name !== undefined && !isRecord(name)) return 'workbook';
  if ('workflows' in data || 'actions' in data) return 'workbook';
  const entries = Object.entries(data).filter(([k]) => k !== 'version');
  const isAction = ([, v]: [string, unknown]): boolean => isRecord(v) && 'base' in v && !('tasks' in v);
  return entries.length > 0 && entries.every(isAction) ? 'actions' : 'workflows';
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 6901 pointer, the form DslIssue.path and ajv use. */
export function toPointer(path: Path): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** The inverse of toPointer; segments that index a list in `data` become numbers. */
export function fromPointer(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = isRecord(cur) ? cur[seg] : undefined;
    }
  }
  return out;
}

/** The value at `path` in plain data, or undefined. */
export function valueAt(data: unknown, path: Path): unknown {
  let cur = data;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isRecord(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}

interface Entity {
  label: string;
  /** How many leading segments the entity's own path has. */
  depth: number;
}

/** The innermost named construct (workflow, task, task-defaults, action, ...) a path lies in. */
function entityOf(path: Path, kind: DocumentKind): Entity {
  let base: number;
  let wf: string;
  if (kind === 'actions') {
    const [name] = path;
    return name === undefined || name === 'version'
      ? { label: 'document', depth: 0 }
      : { label: `action '${name}'`, depth: 1 };
  }
  if (kind === 'workbook') {
    const [section, name] = path;
    if (name === undefined) return { label: 'workbook', depth: 0 };
    if (section === 'actions') return { label: `action '${name}'`, depth: 2 };
    if (section === 'listeners') return { label: `listener '${name}'`, depth: 2 };
    if (section !== 'workflows') return { label: 'workbook', depth: 0 };
    base = 2;
    wf = String(name);
  } else {
    if (path.length === 0 || path[0] === 'version') return { label: 'document', depth: 0 };
    base = 1;
    wf = String(path[0]);
  }
  const section = path[base];
  const task = path[base + 1];
  if (section === 'tasks' && task !== undefined) return { label: `task '${task}'`, depth: base + 2 };
  if (section === 'task-defaults') return { label: `task-defaults of workflow '${wf}'`, depth: base + 1 };
  return { label: `workflow '${wf}'`, depth: base };
}

/** `retry.count`, `on-success[1]`: a path relative to its entity, the way a person would write it. */
function relative(rel: Path): string {
  let out = '';
  for (const seg of rel) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** The subject of a message about the value at `path`: "task 't1'", "task 't1': 'retry.count'". */
export function describePath(path: Path, kind: DocumentKind): string {
  const entity = entityOf(path, kind);
  const rel = path.slice(entity.depth);
  return rel.length === 0 ? entity.label : `${entity.label}: '${relative(rel)}'`;
}

/** What the keys of the mapping at `path` are called: "workflow" under `workflows:`, "task" under `tasks:`. */
export function keyKind(path: Path, kind: DocumentKind): string {
  const last = path[path.length - 1];
  if (kind === 'workbook' && path.length === 1) {
    if (last === 'workflows') return 'workflow';
    if (last === 'actions') return 'action';
    if (last === 'listeners') return 'listener';
  }
  if (kind === 'workflows' && path.length === 0) return 'workflow';
  if (kind === 'actions') return path.length === 0 ? 'action' : 'key';
  if (last === 'tasks' && path.length === (kind === 'workbook' ? 3 : 2)) return 'task';
  return 'key';
}
