// An action pack for `tram serve --actions`: TripleO-style actions (`tripleo.*`) that forward each call to an
// HTTP service which holds the real implementation (for TripleO: a small wrapper around tripleo-common's
// Python action classes). Tramontane runs the workflow; the service does the work.
//
//   TRIPLEO_ACTIONS_URL=http://127.0.0.1:8787 tram serve --actions examples/action-packs/tripleo-forwarder.js
//
// The protocol, one request per action run:
//   POST {TRIPLEO_ACTIONS_URL}/actions/{name}
//   {"action": "tripleo.plan.list", "input": {...}, "context": {"workflow_execution_id": ..., "task_name": ...,
//    "action_execution_id": ..., "callback_url": ...}}
// and the answer:
//   200 {"result": ...}           the action's result
//   202 {}                        started: the service reports later with PUT {callback_url} {"state": ..., "output": ...}
//   4xx/5xx {"error": ...}        the action failed with that error (or the body's text)
//
// The pack exports a function: Tramontane calls it with `{defineAction}` at start-up, so the file needs no
// import and can live anywhere. Add an action by adding a line to CATALOGUE (its name and parameters; a
// parameter with a default is `{name, default}`).

const CATALOGUE = [
  ['tripleo.plan.list', []],
  ['tripleo.plan.delete', ['container']],
  ['tripleo.plan.export', ['plan', 'delete_after', 'exports_container']],
  [
    'tripleo.parameters.update',
    [
      'parameters',
      { name: 'container', default: 'overcloud' },
      { name: 'key', default: 'parameter_defaults' },
      { name: 'validate', default: true },
    ],
  ],
  ['tripleo.parameters.get_flatten', [{ name: 'container', default: 'overcloud' }]],
  ['tripleo.deployment.get_deployment_failures', [{ name: 'plan', default: 'overcloud' }]],
];

/** Where the service listens; read when the pack loads. */
const BASE_URL = (process.env.TRIPLEO_ACTIONS_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');

/** Fails start-up early (with this message, naming the pack) rather than every task later. */
if (!/^https?:\/\//.test(BASE_URL)) throw new Error(`TRIPLEO_ACTIONS_URL is not an http(s) URL: ${BASE_URL}`);

async function forward(name, input, ctx) {
  const res = await fetch(`${BASE_URL}/actions/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      action: name,
      input,
      context: {
        workflow_execution_id: ctx.workflowExecutionId,
        task_execution_id: ctx.taskExecutionId,
        action_execution_id: ctx.actionExecutionId,
        workflow_name: ctx.workflowName,
        task_name: ctx.taskName,
        callback_url: ctx.callbackUrl ?? null,
      },
    }),
    // The task's timeout and cancellation end the request.
    signal: ctx.signal,
  });
  const text = await res.text();
  let body;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    body = { error: text };
  }
  if (res.status === 202) return { async: true };
  if (res.ok) return { ok: true, data: body.result ?? null };
  return { ok: false, error: body.error ?? `${name}: HTTP ${res.status}` };
}

export default function tripleoForwarder({ defineAction }) {
  return CATALOGUE.map(([name, input]) =>
    defineAction({
      name,
      description: `TripleO's ${name}, run by the service at ${BASE_URL}`,
      input,
      run: (args, ctx) => forward(name, args, ctx),
    }),
  );
}
