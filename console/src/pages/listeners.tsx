/**
 * `/console/listeners`: every listener with its transport, health and backlog, its latest attempts (each one a
 * link to its event), and the operator's switches: enable / disable, and "recover since" (send again what was
 * given up since a time). `/console/events/ID`: one event, its deliveries and their statuses, every attempt
 * (code, message, duration), and "redeliver".
 */
import { useState } from 'preact/hooks';
import { api, get, type Json } from '../api.js';
import { linkProps } from '../router.js';
import { Json as JsonView, Problem, confirmed, useAction, useLoad } from '../use.js';

const health = (l: Json) => (l.health ?? {}) as Record<string, unknown>;

export function ListenerList() {
  const { data, error, reload } = useLoad(() => get<{ listeners: Json[] }>('/v2/listeners?limit=100'), []);
  const { message, run } = useAction(reload);
  return (
    <section>
      <h1>Listeners</h1>
      <Problem error={error} />
      {message && <p class="message">{message}</p>}
      {data?.listeners.length === 0 && <p>no listeners</p>}
      {data?.listeners.map((l) => (
        <Listener key={String(l.id)} listener={l} run={run} />
      ))}
    </section>
  );
}

function Listener(props: {
  listener: Json;
  run: (what: string, f: () => Promise<unknown>) => Promise<void>;
}) {
  const { listener: l, run } = props;
  const id = String(l.id);
  const h = health(l);
  const t = (l.transport ?? {}) as Record<string, unknown>;
  const [since, setSince] = useState('');
  const attempts = useLoad(
    () => get<{ attempts: Json[] }>(`/v2/event_attempts?listener_ids=${id}&limit=100`),
    [id, String(l.updated_at)],
  );
  return (
    <div class="listener" data-listener={String(l.name)}>
      <h2>
        {String(l.name)}{' '}
        <small>{l.enabled ? 'enabled' : `disabled: ${String(l.disabled_reason ?? '')}`}</small>
      </h2>
      <p>
        {String(t.type)} {String(t.url ?? t.exchange ?? '')} · backlog {String(h.backlog ?? 0)} · failures in
        a row {String(h.failures_in_row ?? 0)} · last success {String(h.last_success_at ?? '-')} · last
        failure {String(h.last_failure_at ?? '-')}
      </p>
      <p class="actions">
        <button
          onClick={() =>
            void run(`${l.enabled ? 'disable' : 'enable'} ${String(l.name)}`, () =>
              api('PUT', `/v2/listeners/${id}`, { enabled: !l.enabled }),
            )
          }
        >
          {l.enabled ? 'disable' : 'enable'}
        </button>{' '}
        <input
          type="datetime-local"
          value={since}
          onChange={(e) => setSince((e.target as HTMLInputElement).value)}
        />
        <button
          disabled={!since}
          onClick={() =>
            void run(`recover ${String(l.name)} since ${since}`, () =>
              api('POST', `/v2/listeners/${id}/recover?since=${encodeURIComponent(`${since}:00Z`)}`),
            )
          }
        >
          recover since
        </button>
      </p>
      <Attempts rows={attempts.data?.attempts.slice(-20).reverse() ?? []} />
    </div>
  );
}

function Attempts(props: { rows: Json[] }) {
  return (
    <table class="list attempts">
      <thead>
        <tr>
          <th>when</th>
          <th>event</th>
          <th>try</th>
          <th>trigger</th>
          <th>code</th>
          <th>http</th>
          <th>ms</th>
          <th>message</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((a) => (
          <tr key={String(a.id)} data-attempt={String(a.id)}>
            <td>{String(a.created)}</td>
            <td>
              <a {...linkProps(`/events/${String(a.event_id)}`)}>{String(a.event_id)}</a>
            </td>
            <td>{String(a.attempt_number)}</td>
            <td>{String(a.trigger)}</td>
            <td class={a.code === 'success' ? 'ok' : 'bad'}>{String(a.code)}</td>
            <td>{String(a.http_status ?? '')}</td>
            <td>{String(a.duration_ms)}</td>
            <td>{String(a.message)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EventPage(props: { id: string }) {
  const { id } = props;
  const { data, error, reload } = useLoad(async () => {
    const [event, attempts] = await Promise.all([
      get(`/v2/events/${id}`),
      get<{ attempts: Json[] }>(`/v2/event_attempts?event_ids=${id}&limit=100`),
    ]);
    const deliveries = (event.deliveries ?? []) as Json[];
    const statuses = await Promise.all(
      deliveries.map(async (d) =>
        d.status_id ? get(`/v2/statuses/${String(d.status_id)}`).catch(() => null) : null,
      ),
    );
    return { event, attempts: attempts.attempts, deliveries, statuses };
  }, [id]);
  const [message, setMessage] = useState<string | null>(null);
  if (!data) return <Problem error={error} />;
  const { event, attempts, deliveries, statuses } = data;
  const redeliver = async () => {
    if (!confirmed(`redeliver event ${id} to its listeners`)) return;
    try {
      const r = await api<{ attempts?: Json[] }>('POST', `/v2/events/${id}/redeliver`, {});
      setMessage(`redelivered: ${(r.attempts ?? []).map((a) => String(a.code)).join(', ')}`);
      reload();
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section>
      <h1>
        Event {id} <small>{String(event.event_type)}</small>
      </h1>
      <p>
        execution{' '}
        <a {...linkProps(`/executions/${String(event.execution_id)}`)}>{String(event.execution_id)}</a> ·
        sequence {String(event.sequence)} · {String(event.previous_state ?? '∅')} → {String(event.state)}
      </p>
      <p class="actions">
        <button onClick={() => void redeliver()}>redeliver</button>
        {message && <span class="message">{message}</span>}
      </p>
      <h2>Deliveries</h2>
      <table class="list deliveries">
        <thead>
          <tr>
            <th>listener</th>
            <th>state</th>
            <th>attempts</th>
            <th>status reported</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d, i) => {
            const st = statuses[i];
            return (
              <tr key={String(d.id)}>
                <td>{String(d.listener_id)}</td>
                <td>{String(d.state)}</td>
                <td>{String(d.attempts)}</td>
                <td>{st ? `${String(st.status)} ${String(st.conclusion ?? '')}` : '-'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Attempts</h2>
      <Attempts rows={attempts} />
      <h2>Payload</h2>
      <JsonView value={event.payload} />
    </section>
  );
}
