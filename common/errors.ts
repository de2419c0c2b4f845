/**
 * Typed errors shared by every area. Each error carries a stable `code` (what API clients and tests match on,
 * never the message) and an optional `cause`. The REST layer maps them to HTTP statuses in one place.
 */

export type ErrorCode =
  | 'DSL_INVALID'
  | 'EXPRESSION_SYNTAX'
  | 'EXPRESSION_EVAL'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_STATE'
  | 'INVALID_INPUT'
  | 'ACTION_NOT_FOUND'
  | 'ACTION_FAILED'
  | 'STORE'
  | 'STORE_UNAVAILABLE'
  | 'CONFIG'
  | 'INTERNAL';

export class TramError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One problem found in a workbook, positioned for a person to find it. Lines and columns are 1-based. */
export interface DslIssue {
  file: string;
  line: number;
  col: number;
  message: string;
  /** JSON-pointer-like path inside the document, e.g. `/workflows/main/tasks/t1/action`. */
  path?: string;
  /**
   * `warning`: something that may fail at run time (an unknown action, a misspelt parameter, an unreachable
   * task) but that Mistral accepts at upload, so it never refuses a document. Absent: an error.
   */
  severity?: 'warning';
}

/** A workbook that did not parse, validate or pass the semantic checks: every issue found, not only the first. */
export class DslError extends TramError {
  readonly issues: DslIssue[];
  constructor(issues: DslIssue[], options?: { cause?: unknown }) {
    super('DSL_INVALID', issues.map(formatIssue).join('\n'), options);
    this.issues = issues;
  }
}

/** `file:line:col: message` (`file:line:col: warning: message`), the format compilers use and editors understand. */
export function formatIssue(i: DslIssue): string {
  const warning = i.severity === 'warning' ? 'warning: ' : '';
  return `${i.file}:${i.line}:${i.col}: ${warning}${i.message}`;
}

/** Whether an issue refuses the document (a warning does not). */
export function isError(i: DslIssue): boolean {
  return i.severity !== 'warning';
}

export class NotFoundError extends TramError {
  constructor(what: string, id: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', `${what} not found: ${id}`, options);
  }
}

export class ConflictError extends TramError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFLICT', message, options);
  }
}

/** A requested state change that the state model does not allow (e.g. resuming a SUCCESS execution). */
export class InvalidStateError extends TramError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_STATE', message, options);
  }
}

export class InvalidInputError extends TramError {
  readonly field: string | undefined;
  constructor(message: string, field?: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options);
    this.field = field;
  }
}

/** Normalises any caught value into an Error, once, at the boundary that caught it. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(JSON.stringify(value));
  } catch {
    return new Error(String(value));
  }
}
