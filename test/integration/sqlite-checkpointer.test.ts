/**
 * The SQLite store's WAL checkpoints, run by a worker thread beside the writer instead of inside its commits.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { Engine } from '../../engine/index.js';
import { SqliteStore } from '../../store/index.js';
import { Checkpointer } from '../../store/sqlite/checkpointer.js';

const CHECKPOINTER = new URL('../../store/sqlite/checkpointer.ts', import.meta.url).href;

describe('SQLite checkpointer', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  let cp: Checkpointer;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-checkpoint-'));
    file = path.join(dir, 'tram.db');
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    // Only the checkpointer may copy the WAL back: what reaches the database file is its doing.
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    cp = new Checkpointer(file);
  });
  afterEach(async () => {
    await cp.stop();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(rows: number): void {
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run('x'.repeat(1000));
    })();
  }

  it('copies committed rows into the database file once enough were written, off the writer', async () => {
    const before = fs.statSync(file).size;
    write(500);
    cp.written(500);
    await cp.settled();
    expect(fs.statSync(file).size, 'below the threshold: nothing copied').to.equal(before);
    write(500);
    cp.written(500);
    await cp.settled();
    expect(fs.statSync(file).size).to.be.greaterThan(before + 900 * 1000);
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).to.equal(1000);
  });

  it("raises the writer's own automatic checkpoint above what the worker is asked to keep up with", () => {
    const writer = new Database(file);
    try {
      const before = writer.pragma('wal_autocheckpoint', { simple: true }) as number;
      cp.adoptWriter(writer);
      const after = writer.pragma('wal_autocheckpoint', { simple: true }) as number;
      expect(before, "SQLite's default").to.equal(1000);
      // 1,000 rows of small executions dirty some 2,500 pages: the backstop must sit above that.
      expect(after).to.be.at.least(3000);
    } finally {
      writer.close();
    }
  });

  it('keeps what was committed while a checkpoint ran, and stops with its connection', async () => {
    write(1000);
    cp.written(1000);
    write(1000);
    cp.written(1000);
    await cp.settled();
    await cp.stop();
    const other = new Database(file, { readonly: true });
    try {
      expect(other.prepare('SELECT COUNT(*) FROM t').pluck().get()).to.equal(2000);
    } finally {
      other.close();
    }
  });

  it('lets its waiters go when its worker fails, and asks nothing more of it', async () => {
    // The worker cannot open a database in a directory that does not exist.
    const broken = new Checkpointer(path.join(dir, 'missing', 'tram.db'));
    try {
      broken.written(1000);
      await broken.settled();
      broken.written(1000);
      await broken.settled();
    } finally {
      await broken.stop();
    }
  });

  it('keeps the process alive until it has stopped, so that the close of its owner finishes', () => {
    // A process with nothing else to do: an unreferenced worker and timer would let it end inside stop().
    const script = `
      import Database from 'better-sqlite3';
      import { Checkpointer } from ${JSON.stringify(CHECKPOINTER)};
      const db = new Database(${JSON.stringify(file)});
      db.prepare('INSERT INTO t (body) VALUES (?)').run('x');
      const cp = new Checkpointer(${JSON.stringify(file)});
      cp.written(1000);
      await cp.stop();
      db.close();
      console.log('closed');
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(out.trim()).to.equal('closed');
  });
});

describe('SqliteStore.checkpointsSettled', () => {
  it("resolves once the engine's writes were checkpointed into the database file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-checkpoint-'));
    const file = path.join(dir, 'tram.db');
    const store = new SqliteStore({ path: file });
    const engine = await Engine.start({ store });
    try {
      const tasks = Array.from({ length: 10 }, (_, i) => `      t${i}:\n        action: std.noop\n`).join('');
      await engine.load(`version: '2.0'\nname: cp\nworkflows:\n  wf:\n    tasks:\n${tasks}`, {
        file: 'cp.yaml',
      });
      const before = fs.statSync(file).size;
      const started = await Promise.all(
        Array.from({ length: 30 }, () => engine.startExecution({ workflow: 'cp.wf' })),
      );
      await Promise.all(started.map((e) => engine.waitFor(e.id)));
      await store.checkpointsSettled();
      // More than a thousand rows went in: the worker copied them back, and nothing is running now.
      expect(fs.statSync(file).size).to.be.greaterThan(before);
      await store.checkpointsSettled();
    } finally {
      await engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("asks for a checkpoint after the delivery store's writes too, which are not engine commits", async () => {
    // A backlog draining writes only outcomes: uncounted, the worker was never asked, and every checkpoint was
    // the writer's backstop, on the event loop.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-checkpoint-'));
    const file = path.join(dir, 'tram.db');
    const store = new SqliteStore({ path: file });
    try {
      const before = fs.statSync(file).size;
      for (let batch = 0; batch < 4; batch++) {
        const attempts = Array.from({ length: 300 }, (_, i) => ({
          id: `a-${batch}-${i}`,
          deliveryId: `d-${batch}-${i}`,
          eventId: batch * 300 + i + 1,
          listenerId: 'l-1',
          code: 'success' as const,
          message: 'x'.repeat(200),
          httpStatus: 200,
          durationMs: 1,
          attemptNumber: 1,
          trigger: 'scheduled' as const,
          createdAt: Date.now(),
        }));
        await store.delivery.applyProgress({ deliveries: [], attempts, listeners: [] });
      }
      await store.checkpointsSettled();
      // 1,200 rows, about 100 pages: far below the writer's own backstop, so only the worker copied them.
      expect(fs.statSync(file).size).to.be.greaterThan(before + 1200 * 200);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resolves at once for an in-memory store, which has no checkpointer', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    try {
      await store.checkpointsSettled();
    } finally {
      await store.close();
    }
  });
});
