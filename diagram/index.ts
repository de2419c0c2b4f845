/**
 * The diagram area's entry point: a workflow as nodes and typed edges (`diagramOf`), its layout (dagre), and
 * renderers for terminals and docs (Mermaid, DOT, SVG). The console draws the same model and layout.
 */
export {
  diagramOf,
  commandId,
  type Diagram,
  type DiagramNode,
  type DiagramEdge,
  type EdgeKind,
} from './model.js';
export { layoutDiagram, type DiagramLayout, type PlacedNode, type PlacedEdge } from './layout.js';
export { toMermaid, toDot, nodeLabel, EDGE_STYLE } from './text.js';
export { toSvg } from './svg.js';
export { diagramFromDefinition } from './definition.js';
