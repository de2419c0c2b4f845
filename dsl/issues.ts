/**
 * Collects the problems of one document as they are found by every step (YAML, schema, normalisation, semantic
 * checks), each located by a path into the document. Nothing stops at the first problem: the caller gets all of
 * them, sorted by position, with exact duplicates (the same message at the same place) removed.
 *
 * Warnings (`warn*`) are problems Mistral only meets at run time (an unknown action, a misspelt parameter): they
 * are reported like errors but never refuse a document.
 */
import type { DslIssue } from '../common/index.js';
import type { Anchor, Position, YamlSource } from './source/yaml-source.js';
import type { DocumentKind, Path } from './source/paths.js';
import { describePath, toPointer } from './source/paths.js';
import type { HintBudget } from './suggest.js';
import { HINT_BUDGET, didYouMean } from './suggest.js';

export class IssueSink {
  private readonly found: DslIssue[] = [];
  private readonly hints: HintBudget = { left: HINT_BUDGET };

  constructor(
    readonly src: YamlSource,
    readonly kind: DocumentKind,
  ) {}

  /** A problem with the construct at `path`, reported at its key (default) or its value. */
  at(path: Path, message: string, anchor: Anchor = 'key'): void {
    this.atPosition(this.src.locate(path, anchor), message, path);
  }

  /** A warning about the construct at `path`. */
  warnAt(path: Path, message: string, anchor: Anchor = 'key'): void {
    this.atPosition(this.src.locate(path, anchor), message, path, 'warning');
  }

  /** A problem at character `offset` inside the string at `path` (an expression, an inline parameter). */
  inScalar(
    path: Path,
    offset: number,
    message: string,
    anchor: Anchor = 'value',
    severity?: DslIssue['severity'],
  ): void {
    this.atPosition(this.src.locateInScalar(path, offset, anchor), message, path, severity);
  }

  atPosition(pos: Position, message: string, path?: Path, severity?: DslIssue['severity']): void {
    const issue: DslIssue = { file: this.src.file, line: pos.line, col: pos.col, message };
    if (path) issue.path = toPointer(path);
    if (severity) issue.severity = severity;
    this.found.push(issue);
  }

  /** The subject of a message about `path`, e.g. "task 't1': 'retry'". */
  describe(path: Path): string {
    return describePath(path, this.kind);
  }

  /** " (did you mean 'x'?)" or "", within the document's budget for hints (see `HINT_BUDGET`). */
  didYouMean(word: string, candidates: Iterable<string>): string {
    return didYouMean(word, candidates, this.hints);
  }

  /** How many errors (not warnings) were found so far. */
  get count(): number {
    return this.found.filter((i) => i.severity !== 'warning').length;
  }

  issues(): DslIssue[] {
    const seen = new Set<string>();
    return [...this.found]
      .sort((a, b) => a.line - b.line || a.col - b.col)
      .filter((i) => {
        const k = `${i.line}:${i.col}:${i.message}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
  }
}
