/**
 * Runs a conformance corpus through a Mistral v2 REST API (ours or a real Mistral 15), and records it.
 *
 *   npx tsx test/conformance/rest.ts --api http://127.0.0.1:8989/v2 [--cases DIR] [--only a,b]
 *                                    [--record] [--jobs N] [--timeout-s 60]
 *
 * Same case format, steps, observation and comparison as the in-process harness (harness.ts, compare.ts) and
 * as ../shared/conformance/run.mjs: upload the definition, start an execution whose webhook notifier points at
 * a receiver run here, perform the steps, poll to the final state, let the notifications settle, observe.
 * With --record, expect.json is (re)written when the run ended in the case's `final` state: that is how our
 * own corpus (test/conformance/cases) gets its expectations from a real Mistral (scripts/record-conformance.sh).
 * Without it, prints `PASS name` / `FAIL name: diff` and `N passed, M failed`; exit status 1 on any failure.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compare, sortCanon, type Observation } from './compare.js';
import { listCases, OWN_CASES_DIR, startEchoServer, type ConformanceCase } from './harness.js';

const TERMINAL = new Set(['SUCCESS', 'ERROR', 'CANCELLED']);
const FINAL_EVENT: Record<string, string> = {
  SUCCESS: 'WORKFLOW_SUCCEEDED',
  ERROR: 'WORKFLOW_FAILED',
  CANCELLED: 'WORKFLOW_CANCELLED',
  PAUSED: 'WORKFLOW_PAUSED',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Options {
  api: string;
  cases: string;
  only: string[];
  record: boolean;
  jobs: number;
  timeoutS: number;
}

type Json = Record<string, unknown>;
class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function req(api: string, method: string, p: string, body?: { json?: unknown; text?: string }) {
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  if (body?.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body?.text !== undefined) {
    headers['content-type'] = 'text/plain';
    payload = body.text;
  }
  // No Accept header: Mistral answers 406 to `Accept: application/json` on the text/plain uploads.
  const res = await fetch(api + p, { method, headers, body: payload });
  const raw = await res.text();
  let data: unknown = null;
  try {
    data = raw ? JSON.parse(raw) : null;
  } catch {
    data = raw;
  }
  if (!res.ok) {
    const fault = (data as Json | null)?.faultstring ?? raw;
    throw new HttpError(`${method} ${p} -> HTTP ${res.status}: ${String(fault).slice(0, 400)}`, res.status);
  }
  return data as Json;
}

async function upload(api: string, text: string): Promise<void> {
  const doc = parseYaml(text) as Json;
  const put = async (del: string[], post: string, putPath: string) => {
    for (const d of del) {
      try {
        await req(api, 'DELETE', d);
      } catch (e) {
        if ((e as HttpError).status !== 404) throw e;
      }
    }
    try {
      await req(api, 'POST', post, { text });
    } catch (e) {
      if ((e as HttpError).status !== 409) throw e;
      await req(api, 'PUT', putPath, { text });
    }
  };
  if (typeof doc.name === 'string') {
    await put(
      [`/workbooks/${encodeURIComponent(doc.name)}`],
      '/workbooks?scope=private',
      '/workbooks?scope=private',
    );
  } else {
    const names = Object.keys(doc).filter((k) => k !== 'version');
    await put(
      names.map((n) => `/workflows/${encodeURIComponent(n)}`),
      '/workflows?scope=private&namespace=',
      '/workflows?namespace=&scope=private',
    );
  }
}

/** Receives the webhook notifications of every run, keyed by the run id in the URL path. */
class NotifyReceiver {
  readonly events = new Map<string, { at: number; payload: Json }[]>();
  private server = http.createServer((rq, rs) => {
    const runId = (rq.url ?? '').split('/').filter(Boolean)[1] ?? '';
    const chunks: Buffer[] = [];
    rq.on('data', (c: Buffer) => chunks.push(c));
    rq.on('end', () => {
      try {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
        const list = this.events.get(runId) ?? [];
        this.events.set(runId, list);
        list.push({ at: Date.now(), payload });
      } catch {
        // not a notification
      }
      rs.writeHead(200, { 'content-type': 'application/json' }).end('{"ok": true}');
    });
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

async function waitFor<T>(what: string, deadline: number, fn: () => Promise<T | null | false>): Promise<T> {
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await sleep(100);
  }
}

const tasksOf = async (api: string, id: string) =>
  ((await req(api, 'GET', `/executions/${id}/tasks`)).tasks ?? []) as Json[];

async function runStep(api: string, id: string, step: Json, deadline: number): Promise<void> {
  if (step.sleep_ms !== undefined) await sleep(Number(step.sleep_ms));
  else if (step.wait_state) {
    await waitFor(`state ${String(step.wait_state)}`, deadline, async () => {
      const ex = await req(api, 'GET', `/executions/${id}`);
      if (ex.state !== step.wait_state && TERMINAL.has(String(ex.state)))
        throw new Error(`reached ${String(ex.state)} while waiting for ${String(step.wait_state)}`);
      return ex.state === step.wait_state;
    });
  } else if (step.set_state || step.resume) {
    await req(api, 'PUT', `/executions/${id}`, { json: { state: step.set_state ?? 'RUNNING' } });
  } else if (step.wait_task) {
    await waitFor(`task ${String(step.wait_task)}`, deadline, async () =>
      (await tasksOf(api, id)).some(
        (t) => t.name === step.wait_task && (!step.state || t.state === step.state),
      ),
    );
  } else if (step.complete_action) {
    const count = Number(step.count ?? 1);
    const pending = await waitFor(`actions of ${String(step.complete_action)}`, deadline, async () => {
      const acts: Json[] = [];
      for (const t of (await tasksOf(api, id)).filter((x) => x.name === step.complete_action)) {
        const r = await req(api, 'GET', `/tasks/${String(t.id)}/action_executions`);
        acts.push(...((r.action_executions ?? []) as Json[]).filter((a) => a.state === 'RUNNING'));
      }
      return acts.length >= count ? acts : null;
    });
    for (const a of pending.slice(0, count)) {
      const body: Json = { state: step.state ?? 'SUCCESS' };
      if (step.output !== undefined) body.output = step.output;
      await req(api, 'PUT', `/action_executions/${String(a.id)}`, { json: body });
    }
  } else throw new Error(`unknown step ${JSON.stringify(step)}`);
}

const parsed = (v: unknown): unknown => {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

async function runCase(o: Options, rx: NotifyReceiver, c: ConformanceCase): Promise<Observation> {
  const deadline = Date.now() + (c.cfg.timeout_s ?? o.timeoutS) * 1000;
  await upload(o.api, c.definition);
  const runId = crypto.randomUUID();
  const notify = [{ type: 'webhook', url: `${rx.url}/${encodeURIComponent(c.name)}/${runId}` }];
  const started = await req(o.api, 'POST', '/executions', {
    json: {
      workflow_name: c.cfg.workflow,
      input: JSON.stringify(c.cfg.input ?? {}),
      params: JSON.stringify({ ...(c.cfg.params ?? {}), notify }),
      description: `conformance ${c.name}`,
    },
  });
  const id = String(started.id);
  const final = c.cfg.final ?? 'SUCCESS';
  for (const step of c.cfg.steps ?? []) await runStep(o.api, id, step, deadline);
  let ex = await waitFor(`final state ${final}`, deadline, async () => {
    const e = await req(o.api, 'GET', `/executions/${id}`);
    return TERMINAL.has(String(e.state)) || e.state === final ? e : null;
  });
  // Let the notifications settle: the root's final event, then a quiet period (at most 5 s).
  const settle = Date.now() + 5000;
  for (;;) {
    const evs = rx.events.get(runId) ?? [];
    const want = FINAL_EVENT[String(ex.state)];
    const done = !want || evs.some((e) => e.payload.event === want && e.payload.id === id);
    if ((done && Date.now() - (evs.at(-1)?.at ?? 0) >= (c.cfg.quiet_ms ?? 600)) || Date.now() > settle) break;
    await sleep(100);
  }
  ex = await req(o.api, 'GET', `/executions/${id}`);
  const tasks: Observation['tasks'] = {};
  for (const t of await tasksOf(o.api, id)) {
    const e = (tasks[String(t.name)] ??= { count: 0, states: [], published: [] });
    e.count++;
    e.states.push(String(t.state));
    e.published.push(parsed(t.published) ?? {});
  }
  for (const e of Object.values(tasks)) {
    e.states.sort();
    e.published = sortCanon(e.published);
  }
  const ordinals = new Map<string, Map<string, number>>();
  const events: Observation['events'] = [];
  for (const { payload: p } of rx.events.get(runId) ?? []) {
    if (p.event === null || p.event === undefined) continue;
    const type = String(p.event);
    let entity = String(p.name);
    if (type.startsWith('WORKFLOW_')) entity = String(p.workflow_name ?? p.name);
    else if (p.workflow_execution_id && p.workflow_execution_id !== id)
      entity = `${String(p.workflow_name)}/${entity}`;
    const m = ordinals.get(entity) ?? new Map<string, number>();
    ordinals.set(entity, m);
    if (!m.has(String(p.id))) m.set(String(p.id), m.size);
    events.push([type, entity, m.get(String(p.id)) as number]);
  }
  if (!TERMINAL.has(String(ex.state)))
    await req(o.api, 'PUT', `/executions/${id}`, { json: { state: 'CANCELLED' } });
  return {
    state: String(ex.state),
    state_info: (ex.state_info as string | null) ?? null,
    output: parsed(ex.output) ?? {},
    tasks: Object.fromEntries(Object.entries(tasks).sort(([a], [b]) => (a < b ? -1 : 1))),
    events,
  };
}

/** Runs (or records) every selected case; returns the number of failures. */
export async function runCorpus(o: Options, log: (line: string) => void = console.log): Promise<number> {
  const cases = listCases(o.cases, o.only);
  const rx = new NotifyReceiver();
  await rx.start();
  // The std.http cases call an echo server on 127.0.0.1:9097; another runner's one serves as well.
  const echo = await startEchoServer().catch(() => null);
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++] as ConformanceCase;
      try {
        const obs = await runCase(o, rx, c);
        if (o.record) {
          const final = c.cfg.final ?? 'SUCCESS';
          if (obs.state !== final)
            throw new Error(`ended ${obs.state} (${obs.state_info}), case says ${final}`);
          const rec: Partial<Observation> = { ...obs };
          if (c.cfg.events === false) delete rec.events;
          fs.writeFileSync(path.join(c.dir, 'expect.json'), JSON.stringify(rec, null, 2) + '\n');
          log(`RECORDED ${c.name} (${obs.state})`);
        } else {
          const diffs = compare(c.expect, obs, c.cfg);
          if (diffs.length) throw new Error(diffs.join('; '));
          log(`PASS ${c.name}`);
        }
      } catch (e) {
        failed++;
        log(`FAIL ${c.name}: ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, worker));
  await rx.close();
  await new Promise((r) => (echo ? echo.close(r) : r(null)));
  log(`${cases.length - failed} ${o.record ? 'recorded' : 'passed'}, ${failed} failed`);
  return failed;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { api: '', cases: OWN_CASES_DIR, only: [], record: false, jobs: 1, timeoutS: 60 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i] ?? '';
    if (a === '--api') o.api = v().replace(/\/+$/, '');
    else if (a === '--cases') o.cases = path.resolve(v());
    else if (a === '--only') o.only = v().split(',').filter(Boolean);
    else if (a === '--record') o.record = true;
    else if (a === '--jobs') o.jobs = Number(v()) || 1;
    else if (a === '--timeout-s') o.timeoutS = Number(v()) || 60;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.api) throw new Error('--api URL is required (e.g. http://127.0.0.1:8989/v2)');
  return o;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  runCorpus(parseArgs(process.argv.slice(2))).then(
    (failed) => process.exit(failed ? 1 : 0),
    (e: Error) => {
      console.error(`conformance: ${e.message}`);
      process.exit(2);
    },
  );
}
