/**
 * Workflow and ad-hoc action definitions: parsed once when uploaded, stored, and cached in memory so that
 * starting an execution or resolving a sub-workflow never re-parses YAML. Names resolve as in Mistral: inside a
 * workbook a short name (`helper`) finds `wb.helper` first, then the global name.
 */
import { ConflictError, InvalidStateError, NotFoundError, newId, stableId } from '../common/index.js';
import {
  analyseDocument,
  parseDocument,
  type AdHocActionSpec,
  type Analysis,
  type DocumentSpec,
  type DslOptions,
  type WorkflowSpec,
} from '../dsl/index.js';
import type { ActionRegistry } from '../actions/index.js';
import type { Listener } from '../model/index.js';
import type { ActionDefinitionRow, Store, WorkbookRow, WorkflowDefinitionRow } from '../store/index.js';
import { SYSTEM_WORKFLOW_DOCUMENTS } from './system-workflows.js';

export interface SaveOptions {
  file?: string;
  namespace?: string;
  scope?: string;
  /** Replace existing definitions of the same names instead of refusing with a conflict. */
  update?: boolean;
  /**
   * The listeners of the workbook saved, stored with it in one transaction (`Store.saveWorkbook`): they replace
   * the ones it had. Absent: the workbook's listeners are left as they are.
   */
  listeners?: Listener[];
}

export interface SavedDocument {
  doc: DocumentSpec;
  workbook: WorkbookRow | null;
  workflows: WorkflowDefinitionRow[];
  actions: ActionDefinitionRow[];
}

const KIND_NAMES: Record<DocumentSpec['kind'], string> = {
  workbook: 'workbook',
  workflows: 'workflows document',
  actions: 'actions document',
};

/**
 * Workflows and ad-hoc actions are known by (namespace, name), as in Mistral: the same name may live in several
 * namespaces.
 */
function key(name: string, namespace: string): string {
  return `${namespace}\u0000${name}`;
}

export class Definitions {
  private readonly workflows = new Map<string, WorkflowDefinitionRow>();
  private readonly actions = new Map<string, ActionDefinitionRow>();
  /** The system workflows (`system-workflows.ts`): in memory only, public, in the default namespace. */
  private readonly system = new Map<string, WorkflowDefinitionRow>();

  constructor(
    private readonly store: Store,
    private readonly registry: ActionRegistry,
  ) {}

  /** (Re)loads every definition from the store; the maps change in one synchronous step. */
  async load(): Promise<void> {
    const workflows = await this.store.listWorkflowDefinitions();
    const actions = await this.store.listActionDefinitions();
    this.workflows.clear();
    this.actions.clear();
    for (const w of workflows) this.workflows.set(key(w.name, w.namespace), w);
    for (const a of actions) this.actions.set(key(a.name, a.namespace), a);
    if (this.system.size === 0) this.loadSystemWorkflows();
  }

  /** Parsed once, at the first load; their ids derive from their names, so they are the same on every start. */
  private loadSystemWorkflows(): void {
    const at = Date.now();
    for (const text of SYSTEM_WORKFLOW_DOCUMENTS) {
      for (const spec of Object.values(this.parse(text, '<system workflows>').workflows)) {
        this.system.set(key(spec.name, ''), {
          id: stableId('workflow', spec.name),
          name: spec.name,
          namespace: '',
          workbookName: null,
          definition: text,
          spec,
          tags: spec.tags,
          scope: 'public',
          createdAt: at,
          updatedAt: at,
        });
      }
    }
  }

  /** The system workflows, which `GET /v2/workflows` lists with the stored ones. */
  systemWorkflows(): WorkflowDefinitionRow[] {
    return [...this.system.values()];
  }

  isSystem(row: WorkflowDefinitionRow): boolean {
    return this.system.get(key(row.name, row.namespace))?.id === row.id;
  }

  /** Mistral's answer (400) to updating or deleting a system workflow. */
  assertNotSystem(row: WorkflowDefinitionRow): void {
    if (this.isSystem(row)) {
      throw new InvalidStateError(`Can not modify a system WorkflowDefinition resource, ID: ${row.id}`);
    }
  }

  /** What the documents of this engine may use without defining them: its actions and stored workflows. */
  get dslOptions(): DslOptions {
    return {
      isKnownAction: (n) => this.registry.has(n) || this.actionRow(n) !== null,
      isKnownWorkflow: (n) => this.workflowRow(n) !== null,
      actionParams: (n) => this.registry.get(n)?.input ?? this.actionRow(n)?.spec.input,
    };
  }

  /**
   * Parses and checks a document; throws a DslError for its errors (warnings do not refuse it). `asActions`
   * reads a document that is not a workbook as an actions document (see `DslOptions`).
   */
  parse(text: string, file = '<input>', asActions = false): DocumentSpec {
    return parseDocument(text, file, { ...this.dslOptions, asActions });
  }

  /** Every issue of a document, warnings included (what `validate` reports). */
  analyse(text: string, file = '<input>', asActions = false): Analysis {
    return analyseDocument(text, file, { ...this.dslOptions, asActions });
  }

  async save(text: string, kind: 'workbook' | 'workflows', opts: SaveOptions = {}): Promise<SavedDocument> {
    return this.saveParsed(this.parse(text, opts.file), text, kind, opts);
  }

  /** Saves a document already parsed from `text` (an upload parses once, checks, then saves). */
  async saveParsed(
    doc: DocumentSpec,
    text: string,
    kind: DocumentSpec['kind'],
    opts: SaveOptions = {},
  ): Promise<SavedDocument> {
    if (doc.kind !== kind) {
      throw new ConflictError(
        `this document is not a ${KIND_NAMES[kind]}: upload it as ${KIND_NAMES[doc.kind]}`,
      );
    }
    const namespace = opts.namespace ?? '';
    const scope = opts.scope ?? 'private';
    const now = Date.now();
    let workbook: WorkbookRow | null = null;
    if (doc.kind === 'workbook') {
      const name = doc.name ?? '';
      const existing = await this.store.getWorkbook(name, namespace);
      if (existing && !opts.update) throw new ConflictError(`workbook already exists: ${name}`);
      if (!existing && opts.update) throw new NotFoundError('workbook', name);
      for (const spec of Object.values(doc.workflows)) {
        const system = this.system.get(key(spec.name, namespace));
        if (system) throw new ConflictError(`workflow already exists: ${spec.name} (a system workflow)`);
      }
      workbook = {
        name,
        namespace,
        definition: text,
        spec: doc,
        tags: doc.tags,
        scope,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
    } else if (doc.kind === 'actions') {
      for (const name of Object.keys(doc.actions)) {
        const existing = this.actions.get(key(name, namespace));
        if (existing && !opts.update) throw new ConflictError(`action already exists: ${name}`);
        if (!existing && opts.update) throw new NotFoundError('action', name);
      }
    } else {
      for (const name of Object.keys(doc.workflows)) {
        const system = this.system.get(key(name, namespace));
        if (system && opts.update) this.assertNotSystem(system);
        if (system) throw new ConflictError(`workflow already exists: ${name} (a system workflow)`);
        const existing = this.workflows.get(key(name, namespace));
        if (existing && !opts.update) throw new ConflictError(`workflow already exists: ${name}`);
        if (!existing && opts.update) throw new NotFoundError('workflow', name);
      }
    }
    const workflows = Object.values(doc.workflows).map((spec) => this.row(spec, text, namespace, scope, now));
    const actions = Object.values(doc.actions).map((spec) => this.row(spec, text, namespace, scope, now));
    if (workbook && opts.listeners)
      await this.store.saveWorkbook(workbook, workflows, actions, opts.listeners);
    else await this.store.saveDocument(workbook, workflows, actions);
    if (workbook) this.forgetWorkbook(workbook.name, namespace);
    for (const w of workflows) this.workflows.set(key(w.name, w.namespace), w);
    for (const a of actions) this.actions.set(key(a.name, a.namespace), a);
    return { doc, workbook, workflows, actions };
  }

  private row<S extends WorkflowSpec | AdHocActionSpec>(
    spec: S,
    text: string,
    ns: string,
    scope: string,
    now: number,
  ) {
    const previous = ('tasks' in spec ? this.workflows : this.actions).get(key(spec.name, ns));
    return {
      id: previous?.id ?? newId(),
      name: spec.name,
      namespace: ns,
      workbookName: spec.workbook ?? null,
      definition: text,
      spec,
      tags: spec.tags,
      scope,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    } as S extends WorkflowSpec ? WorkflowDefinitionRow : ActionDefinitionRow;
  }

  private forgetWorkbook(name: string, namespace: string): void {
    for (const [k, w] of this.workflows) {
      if (w.workbookName === name && w.namespace === namespace) this.workflows.delete(k);
    }
    for (const [k, a] of this.actions) {
      if (a.workbookName === name && a.namespace === namespace) this.actions.delete(k);
    }
  }

  /**
   * Its workflows and actions stay, as in Mistral: they are deleted on their own. `withListeners`: the
   * workbook's listeners go in the same transaction (`Store.removeWorkbook`).
   */
  async deleteWorkbook(name: string, namespace = '', withListeners = false): Promise<void> {
    const deleted = withListeners
      ? await this.store.removeWorkbook(name, namespace)
      : await this.store.deleteWorkbook(name, namespace);
    if (!deleted) throw new NotFoundError('workbook', name);
  }

  /** Deletes a standalone ad-hoc action (the caller checked that it is one). */
  async deleteAction(row: ActionDefinitionRow): Promise<void> {
    await this.store.deleteActionDefinition(row.id);
    const k = key(row.name, row.namespace);
    if (this.actions.get(k)?.id === row.id) this.actions.delete(k);
  }

  async deleteWorkflow(nameOrId: string): Promise<void> {
    const row = this.workflowRow(nameOrId);
    if (!row) throw new NotFoundError('workflow', nameOrId);
    this.assertNotSystem(row);
    await this.store.deleteWorkflowDefinition(row.id);
    this.workflows.delete(key(row.name, row.namespace));
  }

  /**
   * A workflow by id, or by name in `namespace` (as Mistral, no fallback: starting `wf` in namespace `ns` when
   * only `''` has it is a 404). Without a namespace a name is looked up in `''` first, then in any namespace.
   */
  workflowRow(nameOrId: string, namespace?: string): WorkflowDefinitionRow | null {
    return lookUp(this.workflows, nameOrId, namespace) ?? lookUp(this.system, nameOrId, namespace) ?? null;
  }

  /**
   * Resolves a sub-workflow name as written in a task of `fromWorkbook` (or at the top level): in the parent's
   * `namespace` first, then in the default namespace `''`, as Mistral does.
   */
  workflow(name: string, fromWorkbook?: string, namespace = ''): WorkflowDefinitionRow | null {
    const names = fromWorkbook ? [`${fromWorkbook}.${name}`, name] : [name];
    for (const ns of namespace ? [namespace, ''] : ['']) {
      for (const n of names) {
        const row = this.workflowRow(n, ns);
        if (row) return row;
      }
    }
    return null;
  }

  /**
   * An ad-hoc action by id, or by name in `namespace` then in the default namespace `''` (as Mistral 15 runs
   * them: a workflow in namespace `x` uses `x`'s action of that name, else the default one). Without a
   * namespace: `''` first, then any namespace.
   */
  actionRow(nameOrId: string, namespace?: string): ActionDefinitionRow | null {
    if (namespace) {
      const own = this.actions.get(key(nameOrId, namespace));
      if (own) return own;
    }
    return lookUp(this.actions, nameOrId, namespace === undefined ? undefined : '');
  }

  /**
   * Resolves an action name as written in a task of `fromWorkbook` (or at the top level) of an execution in
   * `namespace`: the workbook's own action first, then the global name.
   */
  action(name: string, fromWorkbook?: string, namespace = ''): AdHocActionSpec | null {
    if (fromWorkbook) {
      const local = this.actionRow(`${fromWorkbook}.${name}`, namespace);
      if (local) return local.spec;
    }
    return this.actionRow(name, namespace)?.spec ?? null;
  }

  actionRows(): ActionDefinitionRow[] {
    return [...this.actions.values()];
  }
}

/** By name in `namespace` (`''` when absent), then by id; without a namespace, by name in any namespace too. */
function lookUp<R extends { id: string; name: string }>(
  rows: Map<string, R>,
  nameOrId: string,
  namespace: string | undefined,
): R | null {
  const byName = rows.get(key(nameOrId, namespace ?? ''));
  if (byName) return byName;
  for (const r of rows.values()) {
    if (r.id === nameOrId || (namespace === undefined && r.name === nameOrId)) return r;
  }
  return null;
}
