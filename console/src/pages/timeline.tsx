/**
 * The task executions of an execution on a time axis: one bar per task execution from its start to its end
 * (or to now while it runs), coloured by state. Rows are plain divs positioned in percent: cheap for hundreds.
 */
import type { Json } from '../api.js';
import { STATE_COLOURS } from '../graph.js';

const time = (v: unknown) => (typeof v === 'string' && v ? Date.parse(`${v.replace(' ', 'T')}Z`) : NaN);

export function Timeline(props: {
  tasks: Json[];
  selected: string | null;
  onSelect: (name: string) => void;
}) {
  const rows = props.tasks
    .map((t) => {
      const start = time(t.started_at) || time(t.created_at);
      const end = time(t.finished_at) || Date.now();
      return { t, start, end: Math.max(end, start) };
    })
    .sort((a, b) => a.start - b.start);
  if (rows.length === 0) return <p>no tasks yet</p>;
  const t0 = Math.min(...rows.map((r) => r.start));
  const span = Math.max(1000, Math.max(...rows.map((r) => r.end)) - t0);
  return (
    <div class="timeline">
      {rows.map(({ t, start, end }) => (
        <div
          key={String(t.id)}
          class={`row${props.selected === t.name ? ' selected' : ''}`}
          data-timeline-task={String(t.name)}
          onClick={() => props.onSelect(String(t.name))}
        >
          <span class="label">{String(t.name)}</span>
          <span class="track">
            <span
              class="bar"
              style={{
                left: `${((start - t0) / span) * 100}%`,
                width: `${Math.max(0.5, ((end - start) / span) * 100)}%`,
                background: STATE_COLOURS[String(t.state)] ?? '#ccc',
              }}
              title={`${String(t.state)} ${String(t.started_at ?? '')} → ${String(t.finished_at ?? '')}`}
            />
          </span>
        </div>
      ))}
    </div>
  );
}
