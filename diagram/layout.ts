/**
 * Positions for a diagram's nodes and edges (dagre's layered layout, top to bottom), in pixels. The SVG
 * renderer and the console use the same layout, so a workflow looks the same in a terminal's SVG and in the
 * browser. Node sizes follow their labels' length (a monospace estimate: no font measuring needed).
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { Diagram, DiagramEdge, DiagramNode } from './model.js';
import { nodeLabel } from './text.js';

export interface PlacedNode {
  node: DiagramNode;
  /** Centre. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  edge: DiagramEdge;
  points: Array<{ x: number; y: number }>;
}

export interface DiagramLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

export const CHAR_WIDTH = 7.5;
const NODE_HEIGHT = 36;

export function layoutDiagram(d: Diagram): DiagramLayout {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 30, ranksep: 50, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of d.nodes) {
    const text = nodeLabel(n);
    g.setNode(n.id, { width: Math.max(60, text.length * CHAR_WIDTH + 24), height: NODE_HEIGHT });
  }
  d.edges.forEach((e, i) => {
    // Dagre needs both ends: an edge to a task the workflow does not define (a spec error) is left out.
    if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to, {}, String(i));
  });
  layout(g);
  const nodes = d.nodes.map((node) => {
    const p = g.node(node.id);
    return { node, x: p.x, y: p.y, width: p.width, height: p.height };
  });
  const edges: PlacedEdge[] = [];
  d.edges.forEach((edge, i) => {
    const e = g.hasNode(edge.from) && g.hasNode(edge.to) ? g.edge(edge.from, edge.to, String(i)) : undefined;
    if (e?.points)
      edges.push({ edge, points: e.points.map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })) });
  });
  const graph = g.graph();
  return { width: graph.width ?? 0, height: graph.height ?? 0, nodes, edges };
}
