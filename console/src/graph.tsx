/**
 * A workflow drawn as SVG: the server's diagram (`/console/api/graph/NAME`) laid out with the same dagre
 * layout as `tram workflow graph --format svg`. Edges are styled by transition kind, joins have a dashed
 * border, with-items a stacked shadow, start tasks a thick border. With `states`, each task is filled with the
 * colour of its state; a click selects a task.
 */
import { useMemo } from 'preact/hooks';
import { layoutDiagram } from '../../diagram/layout.js';
import type { Diagram } from '../../diagram/model.js';
import { EDGE_STYLE, nodeLabel } from '../../diagram/text.js';

export const STATE_COLOURS: Record<string, string> = {
  IDLE: '#eeeeee',
  WAITING: '#e0e0e0',
  RUNNING: '#90caf9',
  DELAYED: '#fff59d',
  PAUSED: '#ffcc80',
  SUCCESS: '#a5d6a7',
  ERROR: '#ef9a9a',
  CANCELLED: '#bdbdbd',
  SKIPPED: '#f5f5f5',
};

const DASH = { solid: undefined, dashed: '6 4', dotted: '2 3' };

export function Graph(props: {
  diagram: Diagram;
  states?: Record<string, string>;
  selected?: string | null;
  onSelect?: (task: string) => void;
}) {
  const { diagram, states, selected, onSelect } = props;
  const l = useMemo(() => layoutDiagram(diagram), [diagram]);
  return (
    <svg
      class="graph"
      width={Math.ceil(l.width)}
      height={Math.ceil(l.height)}
      viewBox={`0 0 ${Math.ceil(l.width)} ${Math.ceil(l.height)}`}
      data-workflow={diagram.workflow}
    >
      <defs>
        {Object.entries(EDGE_STYLE).map(([kind, st]) => (
          <marker
            key={kind}
            id={`arrow-${kind}`}
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerWidth="8"
            markerHeight="8"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" fill={st.color} />
          </marker>
        ))}
      </defs>
      {l.edges.map(({ edge, points }, i) => {
        const st = EDGE_STYLE[edge.kind];
        return (
          <path
            key={i}
            class={`edge ${edge.kind}`}
            data-edge={`${edge.from}->${edge.to}`}
            data-kind={edge.kind}
            d={points.map((p, j) => `${j ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')}
            fill="none"
            stroke={st.color}
            stroke-width="1.5"
            stroke-dasharray={DASH[st.dash]}
            marker-end={`url(#arrow-${edge.kind})`}
          >
            <title>{edge.guard ? `${edge.kind}: ${edge.guard}` : edge.kind}</title>
          </path>
        );
      })}
      {l.nodes.map(({ node, x, y, width, height }) => {
        const state = states?.[node.id];
        const fill = state ? (STATE_COLOURS[state] ?? '#fff') : '#fff';
        const left = x - width / 2;
        const top = y - height / 2;
        return (
          <g
            key={node.id}
            class={`node ${node.type}${selected === node.id ? ' selected' : ''}`}
            data-node={node.id}
            data-state={state ?? ''}
            onClick={() => node.type === 'task' && onSelect?.(node.id)}
          >
            {node.type === 'command' ? (
              <ellipse cx={x} cy={y} rx={width / 2} ry={height / 2} fill="#fafafa" stroke="#424242" />
            ) : (
              <>
                {node.withItems && (
                  <rect
                    x={left + 4}
                    y={top + 4}
                    width={width}
                    height={height}
                    rx="6"
                    fill="#e0e0e0"
                    stroke="#9e9e9e"
                  />
                )}
                <rect
                  x={left}
                  y={top}
                  width={width}
                  height={height}
                  rx="6"
                  fill={fill}
                  stroke={selected === node.id ? '#ff6f00' : '#424242'}
                  stroke-width={selected === node.id ? 3 : node.start ? 2.5 : 1}
                  stroke-dasharray={node.join !== undefined ? '8 2' : undefined}
                />
              </>
            )}
            <text x={x} y={y + 4} text-anchor="middle">
              {nodeLabel(node)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** The definition's YAML with the lines of the selected task highlighted (from its line to the next task's). */
export function Yaml(props: { text: string; diagram: Diagram; selected: string | null }) {
  const { text, diagram, selected } = props;
  const lines = text.split('\n');
  const starts = diagram.nodes.filter((n) => n.line !== undefined).map((n) => ({ id: n.id, line: n.line! }));
  const sel = starts.find((s) => s.id === selected);
  const next = sel ? starts.filter((s) => s.line > sel.line).sort((a, b) => a.line - b.line)[0] : undefined;
  const end = sel ? (next ? next.line - 1 : lines.length) : 0;
  return (
    <pre class="yaml">
      {lines.map((line, i) => {
        const n = i + 1;
        const hit = sel !== undefined && n >= sel.line && n <= end;
        return (
          <div key={n} class={hit ? 'hl' : undefined} data-line={n}>
            <span class="ln">{n}</span>
            {line || ' '}
          </div>
        );
      })}
    </pre>
  );
}
