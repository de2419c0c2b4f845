/**
 * The DSL area's public entry point: Mistral Workflow Language v2 YAML in, the normalised model of `spec.ts` out,
 * or every problem with its file, line and column. Other areas import only this file.
 */
import { DslError, isError } from '../common/index.js';
import type { DslIssue } from '../common/index.js';
import type { DslOptions } from './checks/index.js';
import { analyseDocument, type Analysis } from './pipeline.js';
import { splitDocuments } from './source/stream.js';
import type { DocumentSpec } from './spec.js';

export type * from './spec.js';
export * from './expressions/index.js';
export type { DslOptions } from './checks/index.js';
export type { Analysis } from './pipeline.js';
export { analyseDocument } from './pipeline.js';
export { parseInlineCall } from './syntax/inline-call.js';
export { resolveAction, resolveWorkflow } from './resolve.js';
export { ENGINE_COMMANDS } from './normalise/clauses.js';
export { WORKFLOW_LANGUAGE_SCHEMA_URL } from './schema/validator.js';

/**
 * Parses, checks and normalises a workbook or workflows document; throws a DslError listing every error.
 * Warnings do not refuse a document; `analyseDocument` returns them.
 */
export function parseDocument(text: string, file: string, opts?: DslOptions): DocumentSpec {
  const { document, issues } = analyseDocument(text, file, opts);
  const errors = issues.filter(isError);
  if (errors.length > 0 || !document) throw new DslError(errors);
  return document;
}

/** The same checks as parseDocument, returned instead of thrown, warnings included: empty when all is well. */
export function validateDocument(text: string, file: string, opts?: DslOptions): DslIssue[] {
  return analyseDocument(text, file, opts).issues;
}

/**
 * Every document of a file that may hold several (`---`), each checked as the kind of document it is (workbook,
 * workflows or actions), with positions in the file. The API takes one document per request; `tram validate`
 * takes files.
 */
export function analyseFile(text: string, file: string, opts?: DslOptions): Analysis[] {
  return splitDocuments(text).map((doc) => analyseDocument(doc, file, opts));
}
