/**
 * Step 1 of the pipeline: YAML text → plain data, plus everything needed to point back into the text.
 *
 * The `yaml` parser keeps the AST (with offsets) next to the data, so any later step can ask where a path was
 * written (`locate`), falling back to the nearest parent that exists (a missing key is reported at its mapping),
 * and where a character inside a scalar is (`locateInScalar`, for expression and inline-parameter errors).
 *
 * Parsing choices, for compatibility with Mistral (PyYAML) without its YAML 1.1 surprises:
 * - YAML 1.2 core schema (`yes`/`no`/`on` stay strings) with `<<` merge keys enabled (common for reuse);
 * - duplicate keys are not a parse error here: they are collected in `duplicates` so that the message can say
 *   "duplicate task 't1'" instead of the parser's generic "Map keys must be unique". The last one wins in `data`.
 */
import type { Document, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { toError } from '../../common/index.js';
import type { SourcePos } from '../spec.js';
import { checkAliases } from './aliases.js';
import type { Path } from './paths.js';
import { relaxIndentation } from './relax.js';
import { syntaxProblems } from './yaml-errors.js';

export interface Position {
  line: number;
  col: number;
}

/** Where on a mapping entry to point: at its key (`t1:`) or at its value. */
export type Anchor = 'key' | 'value';

export interface SyntaxProblem extends Position {
  message: string;
}

export interface DuplicateKey extends Position {
  /** The mapping holding the duplicate. */
  parent: Path;
  key: string;
  first: Position;
}

type Entry = Pair<Node, Node | null>;

interface Found {
  /** The value node reached (null for `key:` with no value). */
  node: Node | null;
  /** The key node, when the last step went through a mapping entry. */
  key: Node | null;
  /** False when the walk stopped before the end of the path. */
  complete: boolean;
}

export class YamlSource {
  readonly data: unknown;
  readonly syntaxProblems: SyntaxProblem[];
  readonly duplicates: DuplicateKey[] = [];
  /** The text as parsed: the user's, or with PyYAML-tolerated indentation padded (see `relax.ts`). */
  readonly text: string;
  private readonly doc: Document.Parsed;
  private readonly lines: LineCounter;
  /** Spaces `relax.ts` added at the start of a line (1-based), taken off again in positions. */
  private readonly pads: ReadonlyMap<number, number>;
  /**
   * Each mapping's entries by key (merged ones included), built on its first lookup: every issue and every task
   * locates a path, and scanning a mapping per lookup made a document of 40,000 tasks take minutes.
   */
  private readonly indexes = new WeakMap<YAMLMap, ReadonlyMap<string, Entry>>();

  constructor(
    text: string,
    readonly file: string,
  ) {
    let lines = new LineCounter();
    let doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, merge: true });
    let pads: ReadonlyMap<number, number> = new Map();
    let parsed = text;
    const relaxed = doc.errors.length > 0 ? relaxIndentation(text) : undefined;
    if (relaxed) {
      const relaxedLines = new LineCounter();
      const retry = parseDocument(relaxed.text, {
        lineCounter: relaxedLines,
        uniqueKeys: false,
        merge: true,
      });
      if (retry.errors.length === 0) {
        [doc, lines, pads, parsed] = [retry, relaxedLines, relaxed.pads, relaxed.text];
      }
    }
    this.doc = doc;
    this.lines = lines;
    this.pads = pads;
    this.text = parsed;
    this.syntaxProblems = syntaxProblems(doc, parsed).map((p) => ({
      ...this.position(p.offset),
      message: p.message,
    }));
    this.data = this.syntaxProblems.length > 0 ? undefined : this.toData();
    if (this.syntaxProblems.length === 0) this.collectDuplicates(this.doc.contents, []);
  }

  /** The data, once anchors and aliases are known to be sound (else their problems join syntaxProblems). */
  private toData(): unknown {
    const problems = checkAliases(this.doc);
    if (problems.length === 0) {
      try {
        return this.doc.toJS({ maxAliasCount: -1 }) as unknown;
      } catch (err) {
        problems.push({ offset: 0, message: `cannot read the YAML: ${toError(err).message}` });
      }
    }
    for (const p of problems) this.syntaxProblems.push({ ...this.position(p.offset), message: p.message });
    return undefined;
  }

  /** 1-based line and column of a character offset in the text. */
  position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    if (line === 0) return { line: 1, col: offset + 1 };
    const pad = this.pads.get(line) ?? 0;
    return { line, col: Math.max(1, col - pad) };
  }

  /** Where the construct at `path` was written; the nearest existing parent if it was not. */
  locate(path: Path, anchor: Anchor = 'key'): Position {
    const found = this.find(path);
    const preferKey = anchor === 'key' || !found.complete;
    const node = preferKey ? (found.key ?? found.node) : (found.node ?? found.key);
    return node?.range ? this.position(node.range[0]) : { line: 1, col: 1 };
  }

  sourcePos(path: Path, anchor: Anchor = 'key'): SourcePos {
    return { file: this.file, ...this.locate(path, anchor) };
  }

  /**
   * The position of character `offset` of the string at `path` (its key or its value). Exact for single-line
   * plain and quoted scalars and for literal blocks (`|`); other scalars give their own start.
   */
  locateInScalar(path: Path, offset: number, anchor: Anchor = 'value'): Position {
    const found = this.find(path);
    const node = anchor === 'key' ? found.key : found.node;
    if (!found.complete || !isScalar(node) || !node.range) return this.locate(path, anchor);
    const start = node.range[0];
    const raw = this.text.slice(start, node.range[1]);
    const single = !raw.includes('\n');
    switch (node.type) {
      case 'PLAIN':
        return this.position(single ? start + Math.min(offset, raw.length) : start);
      case 'QUOTE_SINGLE':
      case 'QUOTE_DOUBLE':
        return this.position(single ? start + quotedOffset(raw, offset) : start);
      case 'BLOCK_LITERAL':
        return this.inLiteralBlock(node, raw, offset);
      default:
        return this.position(start);
    }
  }

  /** A literal block keeps its lines as written: value line k is source line k after the header. */
  private inLiteralBlock(node: Scalar, raw: string, offset: number): Position {
    const header = this.position(node.range![0]);
    const value = String(node.value);
    const before = value.slice(0, offset).split('\n');
    const body = raw.slice(raw.indexOf('\n') + 1);
    const indent = /^( *)\S/m.exec(body)?.[1]?.length ?? 0;
    return { line: header.line + before.length, col: indent + (before[before.length - 1]?.length ?? 0) + 1 };
  }

  private find(path: Path): Found {
    let node: Node | null = this.doc.contents;
    let key: Node | null = null;
    for (const seg of path) {
      node = this.deref(node);
      let next: { node: Node | null; key: Node | null } | undefined;
      if (isMap(node)) {
        const pair = this.index(node).get(String(seg));
        if (pair) next = { node: pair.value, key: pair.key };
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (item !== undefined) next = { node: item, key: null };
      }
      if (!next) return { node, key, complete: false };
      ({ node, key } = next);
    }
    return { node, key, complete: true };
  }

  /**
   * The entry `data` holds for each key of a mapping: the last one with that key, else the one of the first `<<`
   * source that has it (sources in order: the `<<` entries, then the items of a list of sources).
   */
  private index(map: YAMLMap): ReadonlyMap<string, Entry> {
    const known = this.indexes.get(map);
    if (known) return known;
    const index = new Map<string, Entry>();
    // Registered before the sources are read: a mapping merging itself (refused by checkAliases) cannot loop.
    this.indexes.set(map, index);
    const merges: Entry[] = [];
    for (const p of map.items as Entry[]) {
      const key = keyString(p.key);
      index.set(key, p);
      if (key === '<<') merges.push(p);
    }
    for (const p of merges) {
      const sources = isSeq(p.value) ? (p.value.items as Node[]) : [p.value];
      for (const s of sources) {
        const m = this.deref(s);
        if (!isMap(m)) continue;
        for (const [key, entry] of this.index(m)) if (!index.has(key)) index.set(key, entry);
      }
    }
    return index;
  }

  private deref(node: Node | null): Node | null {
    return isAlias(node) ? (node.resolve(this.doc) ?? null) : node;
  }

  private collectDuplicates(node: unknown, path: Path): void {
    if (isMap(node)) {
      const seen = new Map<string, Position>();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const k = keyString(item.key as Node);
        const pos = this.nodePos(item.key as Node);
        const first = seen.get(k);
        if (first && k !== '<<') this.duplicates.push({ parent: path, key: k, first, ...pos });
        else seen.set(k, pos);
        this.collectDuplicates(item.value, [...path, k]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => this.collectDuplicates(item, [...path, i]));
    }
  }

  private nodePos(node: Node | null): Position {
    return node?.range ? this.position(node.range[0]) : { line: 1, col: 1 };
  }
}

function keyString(key: Node | null): string {
  if (!isScalar(key)) return String(key);
  // A merge key's value is a symbol when merges are enabled.
  return typeof key.value === 'symbol' ? (key.value.description ?? '') : String(key.value);
}

/** Offset in the raw quoted text (opening quote included) of character `offset` of the scalar's value. */
function quotedOffset(raw: string, offset: number): number {
  const double = raw.startsWith('"');
  let i = 1;
  for (let v = 0; v < offset && i < raw.length - 1; v++) {
    if (!double && raw[i] === "'" && raw[i + 1] === "'") i += 2;
    else if (double && raw[i] === '\\') i += escapeLength(raw[i + 1]);
    else i += 1;
  }
  return i;
}

function escapeLength(c: string | undefined): number {
  if (c === 'x') return 4;
  if (c === 'u') return 6;
  if (c === 'U') return 10;
  return 2;
}
