/**
 * The Mistral conformance corpus, every case, in-process against the engine on a real SQLite store. All cases
 * run concurrently (several sleep for a second or two); each `it` then checks its own case.
 */
import type http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Engine } from '../../engine/index.js';
import { SqliteStore } from '../../store/index.js';
import { compare, type Observation } from './compare.js';
import { listCases, runCase, startEchoServer } from './harness.js';

describe('Mistral conformance corpus (in-process engine)', function () {
  this.timeout(120_000);
  const cases = listCases();
  const results = new Map<string, Promise<Observation>>();
  let engine: Engine;
  let echo: http.Server;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-conf-'));
    echo = await startEchoServer();
    engine = await Engine.start({ store: new SqliteStore({ path: path.join(dir, 'tram.db') }) });
    // Upload sequentially (definitions are shared), then run the executions concurrently.
    for (const c of cases) results.set(c.name, runCase(engine, c));
    await Promise.allSettled(results.values());
  });

  after(async () => {
    await engine?.close();
    await new Promise((r) => echo?.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the corpus', () => {
    expect(cases.length).to.be.greaterThan(30);
  });

  for (const c of listCases()) {
    it(`${c.name}: matches what Mistral 15 recorded`, async () => {
      const obs = await results.get(c.name)!;
      expect(compare(c.expect, obs, c.cfg)).to.deep.equal([]);
    });
  }
});
