/**
 * Shared helpers of the DSL tests: YAML written inline (dedented, so line numbers in assertions are the lines of
 * the template), the conformance corpus, and compact views of issues.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DslIssue } from '../../../common/index.js';
import type { DocumentSpec, DslOptions } from '../../../dsl/index.js';
import { parseDocument, validateDocument } from '../../../dsl/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Our own conformance corpus, in the repository. */
export const OWN_CASES_DIR = path.resolve(HERE, '../../conformance/cases');
/** The given corpus beside the project (../shared): read as well whenever it is present. */
export const SHARED_CASES_DIR =
  process.env.TRAM_CONFORMANCE_DIR ?? path.resolve(HERE, '../../../../shared/conformance/cases');
export const HAS_SHARED = fs.existsSync(SHARED_CASES_DIR);

/** Mistral's std actions (mistral.md §1.7). */
const STD_ACTIONS = new Set(
  'noop async_noop echo fail http mistral_http email ssh ssh_proxied javascript js sleep test_dict'
    .split(' ')
    .map((a) => `std.${a}`),
);

/** Std actions are known; nothing else outside the document is. */
export const STD_ONLY: DslOptions = {
  isKnownAction: (n) => STD_ACTIONS.has(n),
  isKnownWorkflow: () => false,
};

/**
 * Removes the first line break and the common indentation, so that line 1 is the first line of the template and
 * columns are counted from its least indented line.
 */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings.raw }, ...values).replace(/^\n/, '');
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** `line:col message` of every issue (`line:col warning: message` of a warning), the shape most assertions compare. */
export function issuesOf(text: string, opts: DslOptions = STD_ONLY): string[] {
  return validateDocument(text, 'wb.yaml', opts).map(short);
}

export function short(i: DslIssue): string {
  return `${i.line}:${i.col} ${i.severity === 'warning' ? 'warning: ' : ''}${i.message}`;
}

export function parse(text: string, opts: DslOptions = STD_ONLY): DocumentSpec {
  return parseDocument(text, 'wb.yaml', opts);
}

export interface CorpusFile {
  name: string;
  file: string;
  text: string;
}

/**
 * Every definition of the conformance corpora (`workflow.yaml` or `workbook.yaml` of each case): ours, then the
 * shared one when present (its names are prefixed `shared/`).
 */
export function corpus(): CorpusFile[] {
  return [...corpusOf(OWN_CASES_DIR, ''), ...(HAS_SHARED ? corpusOf(SHARED_CASES_DIR, 'shared/') : [])];
}

function corpusOf(dir: string, prefix: string): CorpusFile[] {
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((name) =>
      ['workflow.yaml', 'workbook.yaml']
        .map((f) => path.join(dir, name, f))
        .filter((file) => fs.existsSync(file))
        .map((file) => ({ name: prefix + name, file, text: fs.readFileSync(file, 'utf8') })),
    );
}

/** A case of the shared corpus by its number. */
export function corpusDoc(name: string): DocumentSpec {
  const hit = corpus().find((c) => c.name.startsWith(`shared/${name}`));
  if (!hit) throw new Error(`no conformance case ${name}`);
  return parseDocument(hit.text, hit.file, STD_ONLY);
}
