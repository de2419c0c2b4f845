/**
 * Runs the Mistral conformance corpus in-process against the engine: the same steps and observation as
 * ../shared/conformance/run.mjs (which drives a REST API), with events read from the outbox instead of a
 * webhook receiver. Also serves the echo server the std.http cases call (127.0.0.1:9097).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine, ExecutionRecord, WorkflowState } from '../../engine/index.js';
import { sortCanon, type CaseConfig, type Observation } from './compare.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Our own corpus, in the repository: always run. */
export const OWN_CASES_DIR = path.join(HERE, 'cases');
/** The given corpus beside the project (../shared): an extra run whenever it is present. */
export const SHARED_CASES_DIR =
  process.env.TRAM_CONFORMANCE_DIR ?? path.resolve(HERE, '../../../shared/conformance/cases');
const TERMINAL: WorkflowState[] = ['SUCCESS', 'ERROR', 'CANCELLED'];

export interface ConformanceCase {
  name: string;
  dir: string;
  cfg: CaseConfig;
  expect: Observation;
  definition: string;
}

/** The cases of a corpus directory (every sub-directory holding a case.json), sorted by name. */
export function listCases(casesDir: string, only?: string[]): ConformanceCase[] {
  if (!fs.existsSync(casesDir)) throw new Error(`conformance cases not found at ${casesDir}`);
  return fs
    .readdirSync(casesDir)
    .sort()
    .filter((n) => fs.existsSync(path.join(casesDir, n, 'case.json')))
    .filter(
      (n) => !only?.length || only.some((o) => n === o || n.replace(/^\d+-/, '') === o || n.includes(o)),
    )
    .map((name) => {
      const dir = path.join(casesDir, name);
      const defFile = ['workbook.yaml', 'workflow.yaml']
        .map((f) => path.join(dir, f))
        .find((f) => fs.existsSync(f));
      if (!defFile) throw new Error(`${name}: no workbook.yaml or workflow.yaml`);
      return {
        name,
        dir,
        cfg: JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseConfig,
        expect: readExpect(path.join(dir, 'expect.json')),
        definition: fs.readFileSync(defFile, 'utf8'),
      };
    });
}

function readExpect(file: string): Observation {
  // A case not recorded yet compares against nothing (and fails, naming the file).
  if (!fs.existsSync(file))
    return { state: `(no ${file})`, state_info: null, output: {}, tasks: {}, events: [] };
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Observation;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll<T>(
  what: string,
  deadline: number,
  fn: () => Promise<T | null | undefined | false>,
): Promise<T> {
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await sleep(20);
  }
}

async function runStep(
  engine: Engine,
  id: string,
  step: Record<string, unknown>,
  deadline: number,
): Promise<void> {
  if (step.sleep_ms !== undefined) await sleep(Number(step.sleep_ms));
  else if (step.wait_state) {
    const ex = await engine.waitFor(id, [step.wait_state as WorkflowState, ...TERMINAL]);
    if (ex.state !== step.wait_state)
      throw new Error(`reached ${ex.state} while waiting for ${String(step.wait_state)}`);
  } else if (step.set_state || step.resume) {
    await engine.setExecutionState(id, (step.set_state as WorkflowState) ?? 'RUNNING');
  } else if (step.wait_task) {
    await poll(`task ${String(step.wait_task)}`, deadline, async () =>
      (await engine.listTasks(id)).some(
        (t) => t.name === step.wait_task && (!step.state || t.state === step.state),
      ),
    );
  } else if (step.complete_action) {
    const count = Number(step.count ?? 1);
    const pending = await poll(`running actions of ${String(step.complete_action)}`, deadline, async () => {
      const acts = [];
      for (const t of (await engine.listTasks(id)).filter((x) => x.name === step.complete_action)) {
        acts.push(...(await engine.listActionExecutions(t.id)).filter((a) => a.state === 'RUNNING'));
      }
      return acts.length >= count ? acts : null;
    });
    for (const a of pending.slice(0, count)) {
      await engine.completeAction(a.id, {
        state: (step.state as 'SUCCESS' | 'ERROR' | undefined) ?? 'SUCCESS',
        output: step.output,
      });
    }
  } else throw new Error(`unknown step ${JSON.stringify(step)}`);
}

/** Runs one case and returns what the engine did, in the corpus's observation format. */
export async function runCase(engine: Engine, c: ConformanceCase): Promise<Observation> {
  const deadline = Date.now() + (c.cfg.timeout_s ?? 60) * 1000;
  await engine.load(c.definition, { file: path.join(c.dir, 'definition.yaml') });
  const started = await engine.startExecution({
    workflow: c.cfg.workflow,
    input: c.cfg.input ?? {},
    params: c.cfg.params ?? {},
    description: `conformance ${c.name}`,
  });
  for (const step of c.cfg.steps ?? []) await runStep(engine, started.id, step, deadline);
  const final = (c.cfg.final ?? 'SUCCESS') as WorkflowState;
  const ex: ExecutionRecord = await engine.waitFor(started.id, [...new Set([...TERMINAL, final])]);
  await engine.idle();
  const obs = await observe(engine, ex.id);
  if (!TERMINAL.includes(ex.state)) await engine.setExecutionState(ex.id, 'CANCELLED');
  return obs;
}

async function observe(engine: Engine, id: string): Promise<Observation> {
  const ex = await engine.getExecution(id);
  const tasks: Observation['tasks'] = {};
  for (const t of await engine.listTasks(id)) {
    const e = (tasks[t.name] ??= { count: 0, states: [], published: [] });
    e.count++;
    e.states.push(t.state);
    e.published.push(t.published ?? {});
  }
  for (const e of Object.values(tasks)) {
    e.states.sort();
    e.published = sortCanon(e.published);
  }
  const ordinals = new Map<string, Map<string, number>>();
  const events: Observation['events'] = [];
  for (const ev of await engine.readEvents({ rootExecutionId: id, limit: 100000 })) {
    const p = ev.payload;
    const type = String(p.event);
    let entity: string;
    if (type.startsWith('WORKFLOW_')) entity = String(p.workflow_name ?? p.name);
    else if (p.workflow_execution_id !== id) entity = `${String(p.workflow_name)}/${String(p.name)}`;
    else entity = String(p.name);
    const m = ordinals.get(entity) ?? new Map<string, number>();
    ordinals.set(entity, m);
    const key = String(p.id);
    if (!m.has(key)) m.set(key, m.size);
    events.push([type, entity, m.get(key) as number]);
  }
  return { state: ex.state, state_info: ex.stateInfo, output: ex.output ?? {}, tasks, events };
}

/** The echo server of the std.http cases: any request answers 200 (or /status/NNN) with what it received. */
export function startEchoServer(port = 9097): Promise<http.Server> {
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      if (raw.length) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      }
      const headers: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (k === 'content-type' || k.startsWith('x-')) headers[k] = v;
      const m = /^\/status\/(\d{3})(\/|$)/.exec(u.pathname);
      res.writeHead(m ? Number(m[1]) : 200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          method: req.method,
          path: u.pathname,
          query: Object.fromEntries(u.searchParams),
          headers,
          body,
        }),
      );
    });
  });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}
