/**
 * What the normalisers share while they walk one document: the issue sink, the positions, and two records the
 * semantic checks need afterwards:
 * - `sites`: every string that may hold expressions, with the path and offset of its scalar, so that the
 *   expression check can locate a syntax error to the character;
 * - `origins`: the document path each transition and hook was read from, for the path of an issue about it.
 *
 * The normalisers never report a value of the wrong shape (that is the schema's job, already done): they skip
 * it. They report only what the schema cannot see, the syntax inside strings.
 */
import type { IssueSink } from '../issues.js';
import type { SourcePos } from '../spec.js';
import type { Path } from '../source/paths.js';
import { isRecord } from '../source/paths.js';
import type { Anchor, YamlSource } from '../source/yaml-source.js';
import type { ScanIssue } from '../syntax/expr-scan.js';
import { mayContainExpression } from '../syntax/expr-scan.js';

/** A string that may hold expressions: `text` starts at character `offset` of the scalar at `path`. */
export interface ExprSite {
  path: Path;
  anchor: Anchor;
  text: string;
  offset: number;
}

export class NormaliseContext {
  readonly sites: ExprSite[] = [];
  readonly origins = new WeakMap<object, Path>();

  constructor(readonly sink: IssueSink) {}

  get src(): YamlSource {
    return this.sink.src;
  }

  pos(path: Path, anchor: Anchor = 'key'): SourcePos {
    return this.src.sourcePos(path, anchor);
  }

  /** Registers `text` (found at `offset` of the scalar at `path`) for the expression check. */
  expr(path: Path, text: string, offset = 0, anchor: Anchor = 'value'): void {
    if (mayContainExpression(text)) this.sites.push({ path, anchor, text, offset });
  }

  /** Registers every string inside a value (an `input`, `publish` or `output` mapping, a default). */
  exprDeep(path: Path, value: unknown): void {
    if (typeof value === 'string') this.expr(path, value);
    else if (Array.isArray(value)) value.forEach((v, i) => this.exprDeep([...path, i], v));
    else if (isRecord(value)) for (const [k, v] of Object.entries(value)) this.exprDeep([...path, k], v);
  }

  /**
   * The subject of a message about the string at `path`. A string used as a key (`fail(msg="x"): <% guard %>`)
   * is named by the mapping holding it, not by its own text.
   */
  subject(path: Path, anchor: Anchor): string {
    return this.sink.describe(anchor === 'key' ? path.slice(0, -1) : path);
  }

  /** Reports a problem at character `offset` of the string at `path`. */
  problem(path: Path, offset: number, message: string, anchor: Anchor = 'value'): void {
    this.sink.inScalar(path, offset, `${this.subject(path, anchor)}: ${message}`, anchor);
  }

  /** Reports problems found inside the string at `path` (the string starting at `offset` of the scalar). */
  scanIssues(path: Path, issues: readonly ScanIssue[], offset = 0, anchor: Anchor = 'value'): void {
    for (const i of issues) {
      const message = `${this.subject(path, anchor)}: ${i.message}`;
      this.sink.inScalar(path, offset + i.offset, message, anchor, i.severity);
    }
  }
}
