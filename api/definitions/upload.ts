/**
 * Uploads of definitions: the YAML text of the request body, its `scope` and `namespace` query parameters, and the
 * answer of the `validate` endpoints.
 *
 * python-mistralclient sends `Content-Type: text/plain`, which the app already reads as text. Other clients send
 * no content type, or curl's default form type: `uploadBody` reads whatever the app's parsers left as text. A
 * JSON body (JSON is YAML too) arrives parsed and is turned back into text.
 */
import express, { type Request, type RequestHandler } from 'express';
import { DslError, InvalidInputError, formatIssue, isError } from '../../common/index.js';
import type { DslIssue } from '../../common/index.js';

export type Scope = 'private' | 'public';

export interface UploadOptions {
  namespace: string;
  scope: Scope;
}

/** Route middleware: reads a body of any other content type as text (the app's parsers run first). */
export function uploadBody(limit: string): RequestHandler {
  return express.text({ type: () => true, limit });
}

/** The uploaded definition; refuses an empty body. */
export function definitionText(req: Request): string {
  const text = bodyText(req);
  if (text.trim() === '') {
    throw new InvalidInputError('the request body must hold the definition (YAML text)', 'definition');
  }
  return text;
}

/** The body as text, possibly empty (for `validate`, which answers instead of refusing). */
export function bodyText(req: Request): string {
  const body: unknown = req.body;
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return JSON.stringify(body, null, 2);
}

function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : undefined;
}

/** `namespace` as given ('' when absent: Mistral's default namespace). */
export function namespaceParam(req: Request): string {
  return queryString(req, 'namespace') ?? '';
}

/** `namespace` when given and not empty: a lookup without one searches every namespace. */
export function namespaceFilter(req: Request): string | undefined {
  const ns = queryString(req, 'namespace');
  return ns === undefined || ns === '' ? undefined : ns;
}

export function scopeValue(v: unknown, field = 'scope'): Scope {
  if (v === undefined || v === null || v === '') return 'private';
  if (v === 'private' || v === 'public') return v;
  throw new InvalidInputError(
    `Scope must be one of the following: ['private', 'public']; actual: ${String(v)}`,
    field,
  );
}

export function uploadOptions(req: Request): UploadOptions {
  return { namespace: namespaceParam(req), scope: scopeValue(queryString(req, 'scope')) };
}

export interface ValidationResult {
  valid: boolean;
  /** Every problem, one `file:line:col: message` per line (what `mistral *-validate` prints). */
  error?: string;
  /**
   * Every warning, one `file:line:col: warning: message` per line: what Mistral accepts but what fails or never
   * runs at run time (an unknown action, a misspelt parameter, an unreachable task). Absent when there is none.
   */
  warnings?: string;
  /** The errors and warnings, each with its position (`severity: 'warning'` on warnings). */
  issues?: DslIssue[];
}

/** The answer for a document's issues: invalid with its errors, or valid with its warnings. */
export function verdict(issues: DslIssue[]): ValidationResult {
  const errors = issues.filter(isError);
  if (errors.length > 0) return { valid: false, error: new DslError(errors).message, issues };
  if (issues.length === 0) return { valid: true };
  return { valid: true, warnings: issues.map(formatIssue).join('\n'), issues };
}

/** A path parameter of the route (always present when the route matched). */
export function pathParam(req: Request, name: string): string {
  const v: unknown = (req.params as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}
