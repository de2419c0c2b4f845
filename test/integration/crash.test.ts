/**
 * Crash recovery: 50 executions (sleeps, with-items, a join) run in a child process that is killed with
 * SIGKILL mid-run; a new engine on the same SQLite file must finish all of them with the right outputs, and
 * the outbox must hold each execution's complete, gap-free event sequence.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Engine } from '../../engine/index.js';
import { SqliteStore } from '../../store/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const COUNT = 50;

function startChild(db: string): Promise<() => void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(HERE, '../fixtures/crash-child.ts'), db, String(COUNT)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('started')) resolve(() => child.kill('SIGKILL'));
    });
    child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${err}`)));
  });
}

describe('crash recovery (kill -9 mid-run)', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-crash-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finishes every execution after a restart, with gap-free event sequences', async () => {
    const db = path.join(dir, 'crash.db');
    const kill = await startChild(db);
    await new Promise((r) => setTimeout(r, 100)); // mid-run: sleeps and with-items items are in flight
    kill();
    await new Promise((r) => setTimeout(r, 200));

    const before = new SqliteStore({ path: db });
    const unfinished = (await before.listExecutions({ topLevel: true })).filter((e) => e.state === 'RUNNING');
    await before.close();
    expect(unfinished.length, 'the kill must interrupt running executions').to.be.greaterThan(0);

    const engine = await Engine.start({ store: new SqliteStore({ path: db }) });
    try {
      const execs = await engine.store.listExecutions({ topLevel: true });
      expect(execs).to.have.length(COUNT);
      const done = await Promise.all(execs.map((e) => engine.waitFor(e.id)));
      await engine.idle();
      for (const d of done) {
        expect(d.state, `${d.id}: ${d.stateInfo}`).to.equal('SUCCESS');
        const n = (d.input as { n: number }).n;
        expect(d.output).to.deep.equal({ total: n * 40 + 6 + n + 1, napped: true });
      }
      const events = await engine.readEvents({ limit: 1_000_000 });
      const byExec = new Map<string, number[]>();
      for (const ev of events)
        byExec.set(ev.executionId, [...(byExec.get(ev.executionId) ?? []), ev.sequence]);
      for (const d of done) {
        const seqs = byExec.get(d.id) ?? [];
        expect(seqs, d.id).to.deep.equal(Array.from({ length: seqs.length }, (_, i) => i + 1));
        const types = events.filter((e) => e.executionId === d.id).map((e) => e.eventType);
        expect(types[0]).to.equal('WORKFLOW_LAUNCHED');
        expect(types.at(-1)).to.be.oneOf(['WORKFLOW_SUCCEEDED', 'TASK_SUCCEEDED']);
        expect(types.filter((t) => t === 'WORKFLOW_SUCCEEDED')).to.have.length(1);
        for (const task of ['fork', 'nap', 'items', 'quick', 'merge', 'finish']) {
          const taskEvents = events.filter((e) => e.executionId === d.id && e.payload.name === task);
          expect(taskEvents.map((e) => e.eventType).at(-1), `${d.id} ${task}`).to.equal('TASK_SUCCEEDED');
        }
      }
    } finally {
      await engine.close();
    }
  });
});
