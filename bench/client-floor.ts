/**
 * The client's share of the side-by-side figures. `wfbench.py` (the shared bench's own client, run here as it is)
 * opens a new connection for every request and parses each answer in Python; our Node port keeps its connections
 * alive. Against a server that answers instantly, each client's time for a workload is its floor: no server can
 * be measured faster than that, so Mistral's time divided by the floor is the highest ratio the client can show.
 * Printing it beside the ratio says how much of a small workload's time is the client's.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../common/index.js';

/** `../shared/bench/wfbench.py` beside the project, when it is there and `python3` can run it. */
export function wfbenchPy(): string | null {
  const root = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
  const file = root && path.join(root, '..', 'shared', 'bench', 'wfbench.py');
  return file && fs.existsSync(file) ? file : null;
}

/**
 * Runs `wfbench.py base workflow input n` and returns the seconds it printed (`<wf> x<n> {...} <s>s ...`). It
 * prints two decimals: the figure is coarser than our own client's.
 */
export function runWfbenchPy(
  script: string,
  base: string,
  workflow: string,
  input: unknown,
  n: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      [script, base, workflow, JSON.stringify(input), String(n)],
      { timeout: 600_000 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`wfbench.py failed: ${err.message} ${stderr.slice(0, 200)}`));
          return;
        }
        const m = / (\d+(?:\.\d+)?)s task_executions=/.exec(stdout);
        if (!m || !/'SUCCESS': \d+/.test(stdout) || /'(ERROR|CANCELLED)'/.test(stdout)) {
          reject(new Error(`wfbench.py: unexpected output: ${stdout.trim().slice(0, 200)}`));
          return;
        }
        resolve(Number(m[1]));
      },
    );
  });
}

/** The null server's program: answers as `startNullServer` says, and prints its port. */
const NULL_SERVER = `
const http = require('node:http');
let n = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const post = req.method === 'POST';
    const text = JSON.stringify(post ? { id: 'null-' + ++n, state: 'RUNNING' } : { id: 'null', state: 'SUCCESS', tasks: [] });
    res.writeHead(post ? 201 : 200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/**
 * A server that answers the calls of the side-by-side client instantly: a create with a new RUNNING execution,
 * anything else with a SUCCESS one (so every poll ends the wait), in answers as small as Mistral's. It runs in a
 * process of its own, as the servers it stands for do (in the bench's own process it would share the client's
 * event loop). Its URL ends in `/v2`.
 */
export async function startNullServer(): Promise<{ base: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', NULL_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the null server exited (${code})`)));
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  return {
    base: `http://127.0.0.1:${port}/v2`,
    close: async () => {
      child.removeAllListeners('exit');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
