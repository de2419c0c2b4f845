/**
 * The upload use case, one owner for it below the API: a workbook, a workflows or an actions document arrives as
 * YAML text and is parsed once, checked (its kind, the listeners a workbook declares with their egress policy,
 * the workbook membership and namespace of workflows and actions being updated), then saved, a workbook with
 * its listeners in one store transaction, so a listener that cannot be stored leaves no workbook behind. The
 * routes only translate HTTP to these calls and rows back to resources.
 */
import { InvalidInputError, InvalidStateError, NotFoundError, type DslIssue } from '../common/index.js';
import type { DeliveryApi } from '../delivery/index.js';
import type { DocumentSpec } from '../dsl/index.js';
import type { Engine } from '../engine/index.js';
import type { ActionDefinitionRow, WorkbookRow, WorkflowDefinitionRow } from '../store/index.js';
import { checkActions, deletableAction } from './actions.js';
import { checkAs, onlyDefinition, parseAs, type UploadKind } from './documents.js';
import { declaredListeners } from './listeners.js';

export interface UploadOptions {
  namespace: string;
  scope: string;
}

export class DefinitionUploads {
  /** Actions uploads and deletions run one at a time: two uploads of one name cannot both pass the checks. */
  private actionsQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: Engine,
    private readonly delivery: DeliveryApi,
  ) {}

  /** What `validate` reports: every error and warning of the document sent as `kind`. */
  check(text: string, kind: UploadKind): DslIssue[] {
    return checkAs(this.engine, text, kind);
  }

  /** Creates (or, with `update`, replaces) the workbook the text defines, with its listeners. */
  async saveWorkbook(text: string, opts: UploadOptions, update: boolean): Promise<WorkbookRow> {
    const doc = parseAs(this.engine, text, 'workbook');
    const plan = await this.delivery.planWorkbookListeners(
      { name: doc.name ?? '', namespace: opts.namespace },
      declaredListeners(doc, opts.namespace),
    );
    const options = { ...opts, update, listeners: plan.listeners };
    const saved = await this.engine.definitions.saveParsed(doc, text, 'workbook', options);
    this.delivery.workbookListenersSaved(plan);
    return saved.workbook as WorkbookRow;
  }

  /**
   * Deletes a workbook (its workflows and actions stay, as in Mistral) and, in the same transaction, the
   * listeners it declared.
   */
  async deleteWorkbook(name: string, namespace: string): Promise<void> {
    const plan = await this.delivery.planWorkbookListeners({ name, namespace }, []);
    await this.engine.definitions.deleteWorkbook(name, namespace, true);
    this.delivery.workbookListenersSaved(plan);
  }

  async createWorkflows(text: string, opts: UploadOptions): Promise<WorkflowDefinitionRow[]> {
    const doc = parseAs(this.engine, text, 'workflows');
    return (await this.engine.definitions.saveParsed(doc, text, 'workflows', opts)).workflows;
  }

  /**
   * Replaces the workflows the text defines. With `target` (`PUT /v2/workflows/{id}`), the text must define
   * exactly that workflow.
   */
  async updateWorkflows(
    text: string,
    opts: UploadOptions,
    target?: WorkflowDefinitionRow,
  ): Promise<WorkflowDefinitionRow[]> {
    const doc = parseAs(this.engine, text, 'workflows');
    if (target) sameWorkflow(doc, target);
    const options = { ...this.updateOptions(doc, opts), update: true };
    const saved = await this.engine.definitions.saveParsed(doc, text, 'workflows', options);
    if (target && saved.workflows.length === 0) throw new NotFoundError('workflow', target.id);
    return saved.workflows;
  }

  /**
   * Creates (or, with `update`, replaces) the standalone ad-hoc actions the text defines. With `identifier`
   * (`PUT /v2/actions/{id}`), the text must define exactly that action.
   */
  saveActions(
    text: string,
    opts: UploadOptions,
    update: boolean,
    identifier?: string,
  ): Promise<ActionDefinitionRow[]> {
    return this.serialActions(async () => {
      const doc = parseAs(this.engine, text, 'actions');
      const upload = {
        namespace: opts.namespace,
        update,
        ...(identifier === undefined ? {} : { identifier }),
      };
      const namespace = await checkActions(this.engine, doc, upload);
      const options = { ...opts, namespace, update };
      return (await this.engine.definitions.saveParsed(doc, text, 'actions', options)).actions;
    });
  }

  /** Deletes a standalone ad-hoc action (by id or name): not a system action, nor one a workbook defined. */
  deleteAction(identifier: string, namespace?: string): Promise<void> {
    return this.serialActions(async () => {
      await this.engine.definitions.deleteAction(await deletableAction(this.engine, identifier, namespace));
    });
  }

  private serialActions<T>(work: () => Promise<T>): Promise<T> {
    const run = this.actionsQueue.then(work, work);
    this.actionsQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * Refuses to detach workflows from their workbook. Workflows stay in their namespace: without `?namespace=`
   * (the client sends it empty) the update keeps the one they are in.
   */
  private updateOptions(doc: DocumentSpec, opts: UploadOptions): UploadOptions {
    const namespaces = new Set<string>();
    for (const name of Object.keys(doc.workflows)) {
      // Named in a namespace, a workflow is that namespace's own (the same name may live elsewhere too).
      const row = this.engine.definitions.workflowRow(name, opts.namespace || undefined);
      if (row?.workbookName) throw belongsToWorkbook(row);
      if (row) namespaces.add(row.namespace);
    }
    const [only, ...others] = [...namespaces];
    if (opts.namespace === '' && only !== undefined && others.length === 0)
      return { ...opts, namespace: only };
    if (others.length > 0 || (only !== undefined && only !== opts.namespace)) {
      const list = [...namespaces].map((n) => `'${n}'`).join(', ');
      throw new InvalidInputError(
        `workflows cannot move between namespaces (they are in: ${list})`,
        'namespace',
      );
    }
    return opts;
  }
}

export function belongsToWorkbook(row: WorkflowDefinitionRow): InvalidStateError {
  return new InvalidStateError(
    `workflow ${row.name} belongs to workbook ${row.workbookName}: update or delete the workbook instead`,
  );
}

function sameWorkflow(doc: DocumentSpec, target: WorkflowDefinitionRow): void {
  onlyDefinition('workflow', Object.keys(doc.workflows), target.name);
}
