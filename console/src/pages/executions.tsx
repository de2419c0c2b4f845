/**
 * `/console/executions`: the executions, newest first, filtered by workflow, state and start time (the filters
 * live in the URL), kept up to date by the live stream: states change in place, new executions appear.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, type Json } from '../api.js';
import { subscribe } from '../live.js';
import { linkProps, navigate } from '../router.js';
import { Problem, useLoad } from '../use.js';

const STATES = ['', 'RUNNING', 'PAUSED', 'SUCCESS', 'ERROR', 'CANCELLED'];

export function ExecutionList(props: { query: URLSearchParams }) {
  const workflow = props.query.get('workflow') ?? '';
  const state = props.query.get('state') ?? '';
  const since = props.query.get('since') ?? '';
  const [tick, setTick] = useState(0);
  const { data, error } = useLoad(() => {
    const q = new URLSearchParams({ limit: '200', sort_keys: 'created_at', sort_dirs: 'desc' });
    if (workflow) q.set('workflow_name', workflow);
    if (state) q.set('state', state);
    return get<{ executions: Json[] }>(`/v2/executions?${q.toString()}`);
  }, [workflow, state, since, tick]);
  const [states, setStates] = useState<Record<string, string>>({});
  // The ids shown, read by the stream's handler (a ref: the subscription outlives renders).
  const shown = useRef(new Set<string>());
  shown.current = new Set(data?.executions.map((x) => String(x.id)));
  useEffect(
    () =>
      subscribe({}, (c) => {
        if (c.entity !== 'execution') return;
        setStates((s) => ({ ...s, [c.id]: c.state }));
        // An execution this page does not show yet: read the list again.
        if (!shown.current.has(c.id) && (c.previous_state === null || c.previous_state === 'IDLE'))
          setTick((t) => t + 1);
      }),
    [],
  );
  const filter = (key: string, value: string) => {
    const q = new URLSearchParams(props.query);
    if (value) q.set(key, value);
    else q.delete(key);
    navigate(`/executions${q.size ? `?${q.toString()}` : ''}`);
  };
  return (
    <section>
      <h1>Executions</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          workflow{' '}
          <input
            name="workflow"
            value={workflow}
            onChange={(e) => filter('workflow', (e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          state{' '}
          <select
            name="state"
            value={state}
            onChange={(e) => filter('state', (e.target as HTMLSelectElement).value)}
          >
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          since{' '}
          <input
            name="since"
            type="datetime-local"
            value={since}
            onChange={(e) => filter('since', (e.target as HTMLInputElement).value)}
          />
        </label>
      </form>
      <Problem error={error} />
      <table class="list executions">
        <thead>
          <tr>
            <th>id</th>
            <th>workflow</th>
            <th>state</th>
            <th>created (UTC)</th>
            <th>updated (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {data?.executions
            // Mistral's created_at is 'YYYY-MM-DD HH:MM:SS' (UTC): compared as text with the picker's value.
            .filter((x) => !since || String(x.created_at) >= since.replace('T', ' '))
            .map((x) => {
              const id = String(x.id);
              const st = states[id] ?? String(x.state);
              return (
                <tr key={id} data-execution={id}>
                  <td>
                    <a {...linkProps(`/executions/${id}`)}>{id.slice(0, 8)}</a>
                  </td>
                  <td>
                    <a {...linkProps(`/workflows/${encodeURIComponent(String(x.workflow_name))}`)}>
                      {String(x.workflow_name)}
                    </a>
                  </td>
                  <td>
                    <span class={`state ${st}`}>{st}</span>
                  </td>
                  <td>{String(x.created_at)}</td>
                  <td>{String(x.updated_at)}</td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </section>
  );
}
