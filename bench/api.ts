/**
 * The same workloads driven through the REST API of a server on this machine: executions started with
 * `POST /v2/executions` and polled with `GET /v2/executions/{id}` until they finish, so the API's overhead is
 * visible beside the engine-only figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../api/index.js';
import { loadConfig } from '../config/index.js';
import type { Workload } from './workloads.js';

async function json(res: Response): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${String(body.faultstring)}`);
  return body;
}

export async function runWorkloadViaApi(w: Workload): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-bench-api-'));
  const server = await startServer(
    loadConfig({ port: 0, db: path.join(dir, 'bench.db'), logLevel: 'silent' }),
  );
  try {
    await server.engine.load(w.yaml, { file: `${w.name}.yaml` });
    const base = `${server.url}/v2`;
    const t0 = performance.now();
    const ids = await Promise.all(
      Array.from({ length: w.executions }, async () => {
        const res = await fetch(`${base}/executions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ workflow_name: w.workflow, input: JSON.stringify(w.input) }),
        });
        return String((await json(res)).id);
      }),
    );
    const pending = new Set(ids);
    while (pending.size) {
      await new Promise((r) => setTimeout(r, 10));
      for (const id of [...pending]) {
        const ex = await json(await fetch(`${base}/executions/${id}`));
        if (ex.state === 'SUCCESS') pending.delete(id);
        else if (ex.state === 'ERROR' || ex.state === 'CANCELLED')
          throw new Error(`${w.name}: ${String(ex.state_info)}`);
      }
    }
    return performance.now() - t0;
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
