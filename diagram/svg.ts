/**
 * A diagram as a standalone SVG document (`tram workflow graph NAME --format svg`): the shared layout, nodes as
 * rounded boxes (commands as ellipses, joins with a double border, with-items with a stacked shadow), edges in
 * the styles of `text.ts`. No fonts or scripts are referenced: the file renders anywhere.
 */
import { layoutDiagram } from './layout.js';
import type { Diagram } from './model.js';
import { EDGE_STYLE, nodeLabel } from './text.js';

const esc = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const DASH = { solid: '', dashed: ' stroke-dasharray="6 4"', dotted: ' stroke-dasharray="2 3"' };

export function toSvg(d: Diagram): string {
  const l = layoutDiagram(d);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(l.width)}" height="${Math.ceil(l.height)}" viewBox="0 0 ${Math.ceil(l.width)} ${Math.ceil(l.height)}" font-family="monospace" font-size="12">`,
    `<title>${esc(d.workflow)}</title>`,
    '<defs>',
    ...Object.entries(EDGE_STYLE).map(
      ([kind, st]) =>
        `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${st.color}"/></marker>`,
    ),
    '</defs>',
  ];
  for (const { edge, points } of l.edges) {
    const st = EDGE_STYLE[edge.kind];
    const path = points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    out.push(
      `<path class="edge ${edge.kind}" d="${path}" fill="none" stroke="${st.color}" stroke-width="1.5"${DASH[st.dash]} marker-end="url(#arrow-${edge.kind})"><title>${esc(edge.guard ? `${edge.kind}: ${edge.guard}` : edge.kind)}</title></path>`,
    );
  }
  for (const { node, x, y, width, height } of l.nodes) {
    const left = x - width / 2;
    const top = y - height / 2;
    const shape =
      node.type === 'command'
        ? `<ellipse cx="${x}" cy="${y}" rx="${width / 2}" ry="${height / 2}" fill="#fafafa" stroke="#424242"/>`
        : (node.withItems
            ? `<rect x="${left + 4}" y="${top + 4}" width="${width}" height="${height}" rx="6" fill="#e0e0e0" stroke="#9e9e9e"/>`
            : '') +
          `<rect x="${left}" y="${top}" width="${width}" height="${height}" rx="6" fill="#ffffff" stroke="#424242" stroke-width="${node.start ? 2.5 : 1}"${node.join !== undefined ? ' stroke-dasharray="8 2"' : ''}/>`;
    out.push(
      `<g class="node ${node.type}" data-id="${esc(node.id)}">${shape}<text x="${x}" y="${y + 4}" text-anchor="middle">${esc(nodeLabel(node))}</text></g>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
