/**
 * Parsing an upload as the kind of document its endpoint takes: `/v2/workbooks` takes a workbook (it has a
 * `name`), `/v2/workflows` a set of standalone workflows. A document of the other kind is a definition error
 * (400, and `valid: false` from `validate`), reported at its first line.
 */
import { DslError, isError } from '../../common/index.js';
import { verdict, type ValidationResult } from './upload.js';
import type { DocumentSpec } from '../../dsl/index.js';
import type { Engine } from '../../engine/index.js';

export const UPLOAD_FILE = '<input>';

const WRONG_KIND = {
  workbook: "this document has no workbook 'name': upload its workflows with POST /v2/workflows",
  workflows:
    "this document is a workbook (it has 'name', 'workflows' or 'actions'): upload it with POST /v2/workbooks",
};

export function parseAs(engine: Engine, text: string, kind: DocumentSpec['kind']): DocumentSpec {
  const doc = engine.definitions.parse(text, UPLOAD_FILE);
  if (doc.kind !== kind) throw wrongKind(kind);
  return doc;
}

function wrongKind(kind: DocumentSpec['kind']): DslError {
  return new DslError([{ file: UPLOAD_FILE, line: 1, col: 1, message: WRONG_KIND[kind], path: '' }]);
}

/** The `validate` answer for a document of `kind`: its errors, or valid with its warnings. */
export function validateAs(engine: Engine, text: string, kind: DocumentSpec['kind']): ValidationResult {
  const { document, issues } = engine.definitions.analyse(text, UPLOAD_FILE);
  if (!issues.some(isError) && document && document.kind !== kind) return verdict(wrongKind(kind).issues);
  return verdict(issues);
}
