/**
 * Standalone ad-hoc actions (`POST/PUT /v2/actions`: a document of `version: '2.0'` and actions keyed by name,
 * Mistral's action-only document), checked before `Definitions` saves them: a system action's name is taken, an
 * action a workbook defined is changed through its workbook, an update keeps each action in its namespace and,
 * with an identifier (`PUT /v2/actions/{id}`), the document defines exactly that action.
 */
import { ConflictError, InvalidInputError, InvalidStateError, NotFoundError } from '../common/index.js';
import type { DocumentSpec } from '../dsl/index.js';
import type { Engine } from '../engine/index.js';
import type { ActionDefinitionRow } from '../store/index.js';
import { onlyDefinition } from './documents.js';

export interface ActionsUpload {
  namespace: string;
  update: boolean;
  /** `PUT /v2/actions/{id}`: the document must define exactly this action. */
  identifier?: string;
}

/** The namespace the actions are saved in, once the document is known to be acceptable. */
export async function checkActions(engine: Engine, doc: DocumentSpec, opts: ActionsUpload): Promise<string> {
  const names = Object.keys(doc.actions);
  const target = opts.identifier === undefined ? undefined : await sameAction(engine, names, opts.identifier);
  const stored = await engine.store.listActionDefinitions();
  const namespaces = new Set<string>();
  for (const name of names) {
    if (engine.actions.has(name)) throw new ConflictError(`action already exists: ${name} (a system action)`);
    // An action is known by (name, namespace): the same name may be created in several namespaces.
    const previous = target ?? previousOf(stored, name, opts);
    if (!opts.update && previous) throw new ConflictError(`action already exists: ${name}`);
    if (opts.update && !previous) throw new NotFoundError('action', name);
    if (previous?.workbookName) throw belongsToWorkbook(previous);
    // An update keeps the action in its namespace (the client sends none unless told).
    const namespace = previous && opts.namespace === '' ? previous.namespace : opts.namespace;
    if (previous && previous.namespace !== namespace) {
      throw new InvalidInputError(
        `action ${name} is in namespace '${previous.namespace}': actions cannot move between namespaces`,
        'namespace',
      );
    }
    namespaces.add(namespace);
  }
  const [only, ...others] = [...namespaces];
  if (others.length > 0) {
    const list = [...namespaces].map((n) => `'${n}'`).join(', ');
    throw new InvalidInputError(`actions cannot move between namespaces (they are in: ${list})`, 'namespace');
  }
  return only ?? opts.namespace;
}

/**
 * The stored action a save of `name` creates or replaces: the one in the namespace asked for; for an update
 * sent without a namespace (the client's default), the default namespace's, else the only one of that name.
 */
function previousOf(
  stored: ActionDefinitionRow[],
  name: string,
  opts: ActionsUpload,
): ActionDefinitionRow | undefined {
  const named = stored.filter((r) => r.name === name);
  const exact = named.find((r) => r.namespace === opts.namespace);
  if (exact || !opts.update || opts.namespace !== '') return exact;
  return named.length === 1 ? named[0] : undefined;
}

async function sameAction(engine: Engine, names: string[], identifier: string): Promise<ActionDefinitionRow> {
  const target = await engine.store.getActionDefinition(identifier);
  if (!target) throw new NotFoundError('action', identifier);
  onlyDefinition('action', names, target.name);
  return target;
}

/** The stored standalone action `identifier` (id or name) may be deleted: it exists and no workbook owns it. */
export async function deletableAction(
  engine: Engine,
  identifier: string,
  namespace?: string,
): Promise<ActionDefinitionRow> {
  if (engine.actions.has(identifier)) {
    throw new InvalidStateError(`Attempt to delete a system action: ${identifier}`);
  }
  const row = await engine.store.getActionDefinition(identifier, namespace);
  if (!row) throw new NotFoundError('action', identifier);
  if (row.workbookName) throw belongsToWorkbook(row);
  return row;
}

function belongsToWorkbook(row: ActionDefinitionRow): InvalidStateError {
  return new InvalidStateError(
    `action ${row.name} belongs to workbook ${row.workbookName}: update or delete the workbook instead`,
  );
}
