/**
 * Operability endpoints against a real server: `/metrics` scraped after a run counts exactly what the run did
 * (executions, tasks, events, delivery attempts by code and transport, commit-to-receipt latency, HTTP requests
 * by route); `/health` and `/ready` answer without a token; `/ready` names an unreachable broker.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expect } from 'chai';
import { call, startTestServer, until, type TestServer } from './api-helpers.js';

const WORKFLOWS = `
version: '2.0'
two_steps:
  tasks:
    one:
      action: std.noop
      on-success: two
    two:
      action: std.echo output="hi"
broken:
  tasks:
    boom:
      action: std.fail
`;

/** `name{labels} value` lines of the Prometheus text format, keyed by `name{labels}` as printed. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('operability: /metrics, /health, /ready', function () {
  this.timeout(30_000);
  let srv: TestServer;
  let receiver: Server;
  let receiverUrl: string;

  before(async () => {
    const app = express();
    app.all('/{*rest}', (req, res) => {
      res.status(req.path.startsWith('/fail') ? 500 : 200).end();
    });
    receiver = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    srv = await startTestServer({ egressAllowPrivate: true, authTokens: ['t0ken'] });
  });

  after(async () => {
    await srv?.close();
    await new Promise((r) => receiver?.close(r));
  });

  const auth = { 'x-auth-token': 't0ken' };
  async function api(method: string, path: string, body?: unknown, type = 'application/json') {
    const res = await fetch(`${srv.v2}${path}`, {
      method,
      headers: { ...auth, 'content-type': type },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(json)).to.be.below(300);
    return json;
  }

  it('answers /health and /ready without a token, and /ready checks the store and the broker', async () => {
    const health = await call('GET', `${srv.url}/health`);
    expect(health.status).to.equal(200);
    expect(health.body).to.deep.equal({ status: 'ok' });
    const ready = await call<{ ready: boolean; checks: Record<string, { ok: boolean }> }>(
      'GET',
      `${srv.url}/ready`,
    );
    expect(ready.status, JSON.stringify(ready.body)).to.equal(200);
    expect(ready.body.ready).to.equal(true);
    expect(ready.body.checks.store!.ok).to.equal(true);
    expect(ready.body.checks.broker!.ok).to.equal(true);
    // The API itself still wants the token.
    expect((await call('GET', `${srv.v2}/executions`)).status).to.equal(401);
  });

  it('is not ready when the broker cannot be reached, and says so', async () => {
    const other = await startTestServer({ amqpUrl: 'amqp://guest:secret@127.0.0.1:1' });
    try {
      const ready = await call<{ ready: boolean; checks: Record<string, { ok: boolean; detail: string }> }>(
        'GET',
        `${other.url}/ready`,
      );
      expect(ready.status).to.equal(503);
      expect(ready.body.ready).to.equal(false);
      expect(ready.body.checks.store!.ok).to.equal(true);
      expect(ready.body.checks.broker!.ok).to.equal(false);
      expect(ready.body.checks.broker!.detail).to.contain('127.0.0.1:1');
      expect(ready.body.checks.broker!.detail).not.to.contain('secret');
    } finally {
      await other.close();
    }
  });

  it('counts a run: executions, tasks, events, attempts by code and transport, latency, HTTP routes', async () => {
    await api('POST', '/workflows', WORKFLOWS, 'text/plain');
    await api('POST', '/listeners', { name: 'ok', url: `${receiverUrl}/ok` });
    await api('POST', '/listeners', { name: 'failing', url: `${receiverUrl}/fail`, retry: [] });
    const runs = [
      await api('POST', '/executions', { workflow_name: 'two_steps' }),
      await api('POST', '/executions', { workflow_name: 'two_steps' }),
      await api('POST', '/executions', { workflow_name: 'broken' }),
    ];
    for (const run of runs) {
      await until('the execution to finish', async () => {
        const e = await api('GET', `/executions/${String(run.id)}`);
        return e.state !== 'RUNNING' && e.state;
      });
    }
    // 2 x (WORKFLOW_LAUNCHED, 2 x TASK_LAUNCHED, 2 x TASK_SUCCEEDED, WORKFLOW_SUCCEEDED) +
    // (WORKFLOW_LAUNCHED, TASK_LAUNCHED, TASK_FAILED, WORKFLOW_FAILED) = 16 events, to each of 2 listeners.
    const m = await until('every delivery to finish', async () => {
      const res = await fetch(`${srv.url}/metrics`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/plain/);
      const parsed = parse(await res.text());
      const done =
        (parsed.get('tram_deliveries_finished_total{state="succeeded",transport="http"}') ?? 0) +
        (parsed.get('tram_deliveries_finished_total{state="failed",transport="http"}') ?? 0);
      return done === 32 && parsed;
    });
    expect(m.get('tram_executions_started_total')).to.equal(3);
    expect(m.get('tram_executions_finished_total{state="SUCCESS"}')).to.equal(2);
    expect(m.get('tram_executions_finished_total{state="ERROR"}')).to.equal(1);
    expect(m.get('tram_tasks_started_total')).to.equal(5);
    expect(m.get('tram_tasks_finished_total{state="SUCCESS"}')).to.equal(4);
    expect(m.get('tram_tasks_finished_total{state="ERROR"}')).to.equal(1);
    expect(m.get('tram_events_total{type="WORKFLOW_LAUNCHED"}')).to.equal(3);
    expect(m.get('tram_events_total{type="TASK_SUCCEEDED"}')).to.equal(4);
    expect(
      m.get('tram_delivery_attempts_total{code="success",transport="http",trigger="scheduled"}'),
    ).to.equal(16);
    expect(
      m.get('tram_delivery_attempts_total{code="badHttpStatus",transport="http",trigger="scheduled"}'),
    ).to.equal(16);
    expect(m.get('tram_deliveries_finished_total{state="succeeded",transport="http"}')).to.equal(16);
    expect(m.get('tram_deliveries_finished_total{state="failed",transport="http"}')).to.equal(16);
    expect(m.get('tram_delivery_commit_to_receipt_seconds_count{transport="http"}')).to.equal(16);
    expect(m.get('tram_delivery_commit_to_receipt_seconds_sum{transport="http"}')).to.be.above(0);
    expect(m.get('tram_delivery_queue_depth')).to.equal(0);
    expect(m.get('tram_outbox_lag_events')).to.equal(0);
    expect(m.get('tram_outbox_lag_seconds')).to.equal(0);
    // HTTP requests by route pattern, never by raw path (ids would grow the label set without bound).
    expect(
      m.get('tram_http_request_duration_seconds_count{method="POST",route="/v2/executions",code="201"}'),
    ).to.equal(3);
    const byId = [...m.keys()].filter((k) =>
      k.startsWith('tram_http_request_duration_seconds_count{method="GET",route="/v2/executions/:'),
    );
    expect(byId).to.have.length(1);
    expect([...m.keys()].some((k) => k.includes(String(runs[0]!.id)))).to.equal(false);
    expect(m.get('tram_process_resident_memory_bytes')).to.be.above(0);
  });

  it('counts a manual redelivery as a manual attempt without finishing the delivery again', async () => {
    const events = (await api('GET', '/events?limit=1')) as { events: Array<{ id: number }> };
    const id = events.events[0]!.id;
    await api('POST', `/events/${id}/redeliver`, {});
    const m = parse(await (await fetch(`${srv.url}/metrics`)).text());
    expect(m.get('tram_delivery_attempts_total{code="success",transport="http",trigger="manual"}')).to.equal(
      1,
    );
    expect(
      m.get('tram_delivery_attempts_total{code="badHttpStatus",transport="http",trigger="manual"}'),
    ).to.equal(1);
    expect(m.get('tram_deliveries_finished_total{state="succeeded",transport="http"}')).to.equal(16);
  });
});
