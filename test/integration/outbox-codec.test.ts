/**
 * The outbox payload codec (`store/event-codec.ts`): what a reader gets back is exactly what was written (keys in
 * order), whether the payload was stored compactly or whole; and the engine's real payloads are the compact kind,
 * so a change of their shape in the engine shows up here rather than as a silently fatter outbox.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { Engine } from '../../engine/index.js';
import { decodePayload, encodePayload, type EventColumns } from '../../store/event-codec.js';
import { SqliteStore } from '../../store/index.js';

const cols: EventColumns = {
  executionId: 'e1',
  rootExecutionId: 'e1',
  entityId: 't1',
  eventType: 'TASK_LAUNCHED',
  state: 'RUNNING',
  createdAt: Date.UTC(2026, 11, 3, 13, 6, 45, 120),
};

function taskPayload(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 't1',
    name: 'greet',
    workflow_execution_id: 'e1',
    workflow_name: 'hello',
    workflow_namespace: '',
    workflow_id: 'wf-1',
    state: 'RUNNING',
    state_info: null,
    type: 'ACTION',
    project_id: '<default-project>',
    created_at: '2026-12-03 13:06:45',
    updated_at: '2026-12-03 13:06:45',
    started_at: '2026-12-03 13:06:45',
    finished_at: null,
    event: 'TASK_LAUNCHED',
    ...over,
  };
}

function roundTrip(entity: 'task' | 'execution', p: Record<string, unknown>, c = cols): string {
  const text = encodePayload(entity, c, p);
  expect(JSON.stringify(decodePayload(entity, c, text))).to.equal(JSON.stringify(p));
  return text;
}

describe('outbox payload codec', () => {
  it('stores an engine-shaped payload as a short array and reads back the same object, keys in order', () => {
    const text = roundTrip('task', taskPayload());
    expect(text.startsWith('[')).to.equal(true);
    expect(text.length).to.be.below(JSON.stringify(taskPayload()).length / 3);
  });

  it('keeps values that differ from what the row gives (another time, another id, a state_info)', () => {
    roundTrip('task', taskPayload({ created_at: '2026-12-03 13:00:00', finished_at: '2026-12-03 13:06:45' }));
    roundTrip('task', taskPayload({ workflow_execution_id: 'other', state: 'SUCCESS', state_info: 'why' }));
    roundTrip('execution', {
      id: 'e1',
      name: 'not-the-workflow',
      workflow_name: 'hello',
      workflow_namespace: 'ns',
      workflow_id: 'wf-1',
      state: 'RUNNING',
      state_info: null,
      project_id: 'another-project',
      task_execution_id: 'pt',
      root_execution_id: 'root',
      created_at: '2026-12-03 13:06:45',
      updated_at: '2026-12-03 13:06:46',
      event: 'WORKFLOW_LAUNCHED',
    });
  });

  it('stores any other payload whole: other keys, another order, an undefined value, nested values', () => {
    const { id, ...noId } = taskPayload();
    for (const p of [
      { custom: { nested: [1, 2] } },
      { ...noId, id },
      { ...taskPayload(), extra: 1 },
      taskPayload({ state_info: undefined }),
    ]) {
      const text = encodePayload('task', cols, p);
      expect(text.startsWith('{')).to.equal(true);
      expect(decodePayload('task', cols, text)).to.deep.equal(JSON.parse(JSON.stringify(p)));
    }
  });

  it('stores every payload of a real engine run compactly, and reads them back as the engine wrote them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-codec-'));
    const file = path.join(dir, 'tram.db');
    const engine = await Engine.start({ store: new SqliteStore({ path: file }) });
    const published: Record<string, unknown>[] = [];
    try {
      engine.onEvent((ev) => published.push(ev.payload));
      await engine.load(
        `version: '2.0'\nhello:\n  tasks:\n    t1:\n      action: std.echo output=1\n      on-success: [t2]\n    t2:\n      action: std.fail\n`,
      );
      const ex = await engine.startExecution({ workflow: 'hello' });
      await engine.waitFor(ex.id);
      const read = (await engine.store.readEvents({ executionId: ex.id })).map((e) => e.payload);
      expect(read).to.have.length.above(4);
      expect(JSON.stringify(read)).to.equal(JSON.stringify(published));
    } finally {
      await engine.close();
    }
    const db = new Database(file, { readonly: true });
    const stored = db.prepare('SELECT payload FROM outbox').pluck().all() as string[];
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
    expect(stored.filter((t) => !t.startsWith('['))).to.deep.equal([]);
  });
});
