/**
 * The `definition` a workflow resource shows. As in Mistral, a workflow uploaded in a document with others shows
 * only its own part (under a `version: '2.0'` header), so `workflow-get-definition` prints that workflow; a
 * workflow alone in its document, or from a workbook, shows the text as uploaded.
 *
 * The store keeps the whole document on each row; the cut is computed when shown and memoised per document.
 */
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import type { WorkflowDefinitionRow } from '../../store/index.js';

const MEMO_SIZE = 64;
const memo = new Map<string, Map<string, string>>();

export function workflowDefinitionText(row: WorkflowDefinitionRow): string {
  if (row.workbookName) return row.definition;
  return partsOf(row.definition).get(row.spec.shortName) ?? row.definition;
}

/** Each top-level workflow's own text, keyed by name; empty when the document holds a single workflow. */
function partsOf(text: string): Map<string, string> {
  const known = memo.get(text);
  if (known) return known;
  const parts = cut(text);
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value ?? '');
  memo.set(text, parts);
  return parts;
}

function cut(text: string): Map<string, string> {
  const parts = new Map<string, string>();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return parts;
  // Start offset (at the beginning of its line) of each top-level entry other than `version`.
  const starts: { name: string; from: number }[] = [];
  for (const item of doc.contents.items) {
    if (!isScalar(item.key) || !item.key.range) continue;
    const name = String(item.key.value);
    const line = lines.linePos(item.key.range[0]).line;
    starts.push({ name, from: lines.lineStarts[line - 1] ?? item.key.range[0] });
  }
  const workflows = starts.filter((s) => s.name !== 'version');
  if (workflows.length < 2) return parts;
  starts.forEach((s, i) => {
    if (s.name === 'version') return;
    const to = starts[i + 1]?.from ?? text.length;
    parts.set(s.name, `version: '2.0'\n\n${text.slice(s.from, to).trimEnd()}\n`);
  });
  return parts;
}
