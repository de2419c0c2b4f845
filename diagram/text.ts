/**
 * A diagram as text for docs and terminals: Mermaid (`flowchart`) and Graphviz DOT. Transition kinds keep the
 * styles the console uses: on-success solid green, on-error dashed red, on-complete solid blue, on-skip dotted
 * grey, requires solid grey; joins and with-items are marked in the node's label.
 */
import type { Diagram, DiagramNode, EdgeKind } from './model.js';

export const EDGE_STYLE: Record<EdgeKind, { color: string; dash: 'solid' | 'dashed' | 'dotted' }> = {
  'on-success': { color: '#2e7d32', dash: 'solid' },
  'on-error': { color: '#c62828', dash: 'dashed' },
  'on-complete': { color: '#1565c0', dash: 'solid' },
  'on-skip': { color: '#757575', dash: 'dotted' },
  requires: { color: '#616161', dash: 'solid' },
};

/** The node's label with its marks: `[join: all]`, `[with-items]`, `-> sub-workflow`. */
export function nodeLabel(n: DiagramNode): string {
  const marks: string[] = [];
  if (n.join !== undefined) marks.push(`join: ${n.join}`);
  if (n.withItems) marks.push('with-items');
  const runs = n.runs?.kind === 'workflow' ? ` -> ${n.runs.target}` : '';
  return `${n.label}${runs}${marks.length ? ` [${marks.join(', ')}]` : ''}`;
}

function mermaidId(id: string, ids: Map<string, string>): string {
  let m = ids.get(id);
  if (!m) ids.set(id, (m = `n${ids.size}`));
  return m;
}

/** Mermaid reads `<` and `>` in labels as HTML: expressions (`<% ... %>`) are written with entities. */
const mermaidText = (s: string) =>
  `"${s.replaceAll('"', '#quot;').replaceAll('<', '#lt;').replaceAll('>', '#gt;')}"`;

export function toMermaid(d: Diagram): string {
  const ids = new Map<string, string>();
  const lines = [`flowchart TD`];
  for (const n of d.nodes) {
    const id = mermaidId(n.id, ids);
    const text = mermaidText(nodeLabel(n));
    lines.push(n.type === 'command' ? `  ${id}((${text}))` : `  ${id}[${text}]`);
  }
  d.edges.forEach((e) => {
    const arrow = EDGE_STYLE[e.kind].dash === 'solid' ? '-->' : '-.->';
    const label = e.guard ? `${e.kind}: ${e.guard}` : e.kind;
    lines.push(`  ${mermaidId(e.from, ids)} ${arrow}|${mermaidText(label)}| ${mermaidId(e.to, ids)}`);
  });
  d.edges.forEach((e, i) => lines.push(`  linkStyle ${i} stroke:${EDGE_STYLE[e.kind].color}`));
  return `${lines.join('\n')}\n`;
}

const dotText = (s: string) => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

export function toDot(d: Diagram): string {
  const lines = [`digraph ${dotText(d.workflow)} {`, '  rankdir=TB;', '  node [shape=box, style=rounded];'];
  for (const n of d.nodes) {
    const shape = n.type === 'command' ? ', shape=ellipse' : n.join !== undefined ? ', shape=diamond' : '';
    const bold = n.start ? ', penwidth=2' : '';
    lines.push(`  ${dotText(n.id)} [label=${dotText(nodeLabel(n))}${shape}${bold}];`);
  }
  for (const e of d.edges) {
    const st = EDGE_STYLE[e.kind];
    const label = e.guard ? `${e.kind}: ${e.guard}` : e.kind;
    lines.push(
      `  ${dotText(e.from)} -> ${dotText(e.to)} [label=${dotText(label)}, color=${dotText(st.color)}, style=${st.dash}];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
