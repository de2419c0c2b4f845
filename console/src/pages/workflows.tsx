/** `/console/workflows` (the list) and `/console/workflows/NAME`: the graph beside its YAML. */
import { useState } from 'preact/hooks';
import type { Diagram } from '../../../diagram/model.js';
import { get, type Json } from '../api.js';
import { Graph, Yaml } from '../graph.js';
import { linkProps } from '../router.js';
import { Problem, useLoad } from '../use.js';

export type GraphReply = Diagram & { definition: string };

export const graphOf = (name: string) => get<GraphReply>(`/console/api/graph/${encodeURIComponent(name)}`);

export function WorkflowList() {
  const { data, error } = useLoad(() => get<{ workflows: Json[] }>('/v2/workflows?limit=1000'), []);
  return (
    <section>
      <h1>Workflows</h1>
      <Problem error={error} />
      <table class="list">
        <thead>
          <tr>
            <th>name</th>
            <th>namespace</th>
            <th>input</th>
            <th>created</th>
          </tr>
        </thead>
        <tbody>
          {data?.workflows.map((w) => (
            <tr key={String(w.id)}>
              <td>
                <a {...linkProps(`/workflows/${encodeURIComponent(String(w.name))}`)}>{String(w.name)}</a>
              </td>
              <td>{String(w.namespace ?? '')}</td>
              <td>{String(w.input ?? '')}</td>
              <td>{String(w.created_at ?? '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function WorkflowPage(props: { name: string }) {
  const { data, error } = useLoad(() => graphOf(props.name), [props.name]);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <section>
      <h1>
        Workflow <code>{props.name}</code> {data && <small>({data.type})</small>}
      </h1>
      <p>
        <a {...linkProps(`/executions?workflow=${encodeURIComponent(props.name)}`)}>its executions</a>
      </p>
      <Legend />
      <Problem error={error} />
      {data && (
        <div class="split">
          <div class="pane">
            <Graph diagram={data} selected={selected} onSelect={setSelected} />
          </div>
          <div class="pane">
            <Yaml text={data.definition} diagram={data} selected={selected} />
          </div>
        </div>
      )}
    </section>
  );
}

export function Legend() {
  return (
    <p class="legend">
      <span class="k on-success">on-success</span> <span class="k on-error">on-error</span>{' '}
      <span class="k on-complete">on-complete</span> <span class="k on-skip">on-skip</span>{' '}
      <span class="k requires">requires</span> · bold border: start · dashed border: join · stacked:
      with-items
    </p>
  );
}
