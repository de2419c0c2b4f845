/**
 * The conformance corpora, every case, in-process against the engine on a real SQLite store: our own corpus
 * (test/conformance/cases, always) and the given one (../shared/conformance/cases, whenever it is present beside
 * the project). All cases of a corpus run concurrently (several sleep for a second or two); each `it` then checks
 * its own case against what Mistral 15 recorded.
 */
import type http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Engine } from '../../engine/index.js';
import { SqliteStore } from '../../store/index.js';
import { compare, type Observation } from './compare.js';
import { listCases, OWN_CASES_DIR, runCase, SHARED_CASES_DIR, startEchoServer } from './harness.js';

const corpora = [{ title: 'our own corpus', dir: OWN_CASES_DIR, least: 1 }];
if (fs.existsSync(SHARED_CASES_DIR))
  corpora.push({ title: 'the shared corpus', dir: SHARED_CASES_DIR, least: 30 });

for (const corpus of corpora) {
  describe(`Mistral conformance, ${corpus.title} (in-process engine)`, function () {
    this.timeout(120_000);
    const cases = listCases(corpus.dir);
    const results = new Map<string, Promise<Observation>>();
    let engine: Engine;
    let echo: http.Server | null;
    let dir: string;

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-conf-'));
      // The std.http cases' echo server; when the port is taken by another runner's one, that one answers alike.
      echo = await startEchoServer().catch(() => null);
      engine = await Engine.start({ store: new SqliteStore({ path: path.join(dir, 'tram.db') }) });
      for (const c of cases) results.set(c.name, runCase(engine, c));
      await Promise.allSettled(results.values());
    });

    after(async () => {
      await engine?.close();
      await new Promise((r) => (echo ? echo.close(r) : r(null)));
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('finds the corpus', () => {
      expect(cases.length).to.be.at.least(corpus.least);
    });

    for (const c of cases) {
      it(`${c.name}: matches what Mistral 15 recorded`, async () => {
        const obs = await results.get(c.name)!;
        const diffs = compare(c.expect, obs, c.cfg);
        expect(diffs, diffs.join('\n')).to.deep.equal([]);
      });
    }
  });
}
