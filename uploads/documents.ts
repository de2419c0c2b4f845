/**
 * Parsing an upload as the kind of document its endpoint takes: `/v2/workbooks` takes a workbook (it has a
 * `name`), `/v2/workflows` a set of standalone workflows, `/v2/actions` standalone ad-hoc actions (any document
 * that is not a workbook is read as actions there). A document of another kind is a definition error (400, and
 * `valid: false` from `validate`), reported at its first line.
 */
import { DslError, InvalidInputError, type DslIssue } from '../common/index.js';
import type { DocumentSpec } from '../dsl/index.js';
import type { Engine } from '../engine/index.js';

export const UPLOAD_FILE = '<input>';

/** The documents `/v2/workbooks`, `/v2/workflows` and `/v2/actions` take. */
export type UploadKind = DocumentSpec['kind'];

/** What a document of each kind is, and where it goes, for a document sent to the wrong endpoint. */
const UPLOAD_TO: Record<DocumentSpec['kind'], string> = {
  workbook:
    "this document is a workbook (it has 'name', 'workflows' or 'actions'): upload it with POST /v2/workbooks",
  workflows: "this document has no workbook 'name': upload its workflows with POST /v2/workflows",
  actions: "this document defines ad-hoc actions (each entry has a 'base'): upload it with POST /v2/actions",
};

export function parseAs(engine: Engine, text: string, kind: UploadKind): DocumentSpec {
  const doc = engine.definitions.parse(text, UPLOAD_FILE, kind === 'actions');
  if (doc.kind !== kind) throw wrongKind(doc.kind);
  return doc;
}

function wrongKind(actual: DocumentSpec['kind']): DslError {
  return new DslError([{ file: UPLOAD_FILE, line: 1, col: 1, message: UPLOAD_TO[actual], path: '' }]);
}

/** Every issue of a document sent as `kind`, warnings included; a document of another kind is an error. */
export function checkAs(engine: Engine, text: string, kind: UploadKind): DslIssue[] {
  const { document, issues } = engine.definitions.analyse(text, UPLOAD_FILE, kind === 'actions');
  if (issues.some((i) => i.severity !== 'warning') || !document || document.kind === kind) return issues;
  return wrongKind(document.kind).issues;
}

/** An update by identifier (`PUT /v2/{workflows,actions}/{id}`): the text defines exactly that one definition. */
export function onlyDefinition(what: 'workflow' | 'action', names: string[], target: string): void {
  if (names.length !== 1) {
    throw new InvalidInputError(
      `More than one ${what} is not supported for update with an identifier`,
      'definition',
    );
  }
  if (names[0] !== target) {
    throw new InvalidInputError(
      `the definition names ${what} '${names[0]}', not '${target}' (renaming is not supported)`,
      'definition',
    );
  }
}
