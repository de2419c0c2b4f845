import { expect } from 'chai';
import { createDefaultRegistry } from '../../../actions/index.js';
import type { ActionOutcome, ActionRegistry } from '../../../actions/index.js';
import { expectFailure, expectOk, makeCtx } from './helpers.js';

describe('std.javascript / std.js', () => {
  let registry: ActionRegistry;
  before(() => {
    registry = createDefaultRegistry();
  });
  after(() => registry.close());

  function js(input: Record<string, unknown>, name = 'std.js'): Promise<ActionOutcome> {
    return Promise.resolve(registry.require(name).run(registry.prepareInput(name, input), makeCtx()));
  }

  it('runs the script as a function body with $ bound to the context', async () => {
    expect(await js({ script: 'return $.a + 1', context: { a: 41 } })).to.deep.equal({ ok: true, data: 42 });
    expect(
      await js({ script: 'return $.items.map(x => x * 2)', context: { items: [1, 2] } }, 'std.javascript'),
    ).to.deep.equal({
      ok: true,
      data: [2, 4],
    });
  });

  it('gives null as $ and as the result when there is no context or no return', async () => {
    expect(await js({ script: 'return $' })).to.deep.equal({ ok: true, data: null });
    expect(await js({ script: 'var x = 1;' })).to.deep.equal({ ok: true, data: null });
  });

  it('returns JSON data: functions dropped, dates as strings', async () => {
    const data = expectOk(await js({ script: 'return {f: function () {}, d: new Date(0), n: 1}' }));
    expect(data).to.deep.equal({ d: '1970-01-01T00:00:00.000Z', n: 1 });
  });

  it('does not share state between runs', async () => {
    await js({ script: 'globalThis.leak = 1; Object.prototype.polluted = true; return 0' });
    expect(expectOk(await js({ script: 'return [typeof leak, ({}).polluted === undefined]' }))).to.deep.equal(
      ['undefined', true],
    );
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('does not expose process, require or the host through constructors', async () => {
    expect(
      expectOk(
        await js({ script: 'return [typeof process, typeof require, typeof module, typeof setTimeout]' }),
      ),
    ).to.deep.equal(['undefined', 'undefined', 'undefined', 'undefined']);
    const viaGlobal = await js({ script: "return this.constructor.constructor('return process')()" });
    expect(expectFailure(viaGlobal)).to.match(/^JavaScriptAction failed: /);
    const viaContext = await js({
      script: "return $.constructor.constructor('return process')().pid",
      context: {},
    });
    expect(expectFailure(viaContext)).to.match(/^JavaScriptAction failed: /);
  });

  it('ends an infinite loop at the timeout', async () => {
    const started = Date.now();
    expect(expectFailure(await js({ script: 'while (true) {}', timeout: 0.1 }))).to.equal(
      'JavaScriptAction failed: script timed out after 0.1 s',
    );
    expect(Date.now() - started).to.be.below(2000);
  });

  it('ends a promise-callback loop at the timeout too', async () => {
    const out = await js({
      script: 'Promise.resolve().then(function spin() { while (true) {} }); return 1',
      timeout: 0.1,
    });
    expect(expectFailure(out)).to.match(/timed out/);
  });

  it('ends a looping toJSON at the timeout too', async () => {
    expect(expectFailure(await js({ script: 'return {toJSON() { for (;;) {} }}', timeout: 0.1 }))).to.match(
      /timed out/,
    );
  });

  it('reports a thrown error as a failure with its message', async () => {
    expect(expectFailure(await js({ script: "throw new TypeError('bad thing')" }))).to.equal(
      'JavaScriptAction failed: TypeError: bad thing',
    );
    expect(expectFailure(await js({ script: "throw 'plain'" }))).to.equal('JavaScriptAction failed: plain');
    expect(expectFailure(await js({ script: 'return $.missing.deep', context: {} }))).to.match(/TypeError/);
  });

  it('reports a syntax error, and a stray brace cannot escape the function body', async () => {
    expect(expectFailure(await js({ script: 'return (' }))).to.match(/^JavaScriptAction failed: SyntaxError/);
    expect(expectFailure(await js({ script: '}); (function () {' }))).to.match(/SyntaxError/);
  });

  it('keeps a script that rigs serialisation from running host-side code', async () => {
    const script = `Object.prototype.toJSON = function () { throw new Proxy({}, { get() { for (;;) {} } }); };
      throw 1;`;
    expect(expectFailure(await js({ script, timeout: 0.2 }))).to.equal(
      'JavaScriptAction failed: the script failed',
    );
  });

  it('fails on a result that JSON cannot represent', async () => {
    expect(expectFailure(await js({ script: 'return 10n' }))).to.match(/BigInt/);
    expect(expectFailure(await js({ script: 'var a = {}; a.self = a; return a' }))).to.match(/circular/i);
  });

  it('requires a script and refuses a non-string one', async () => {
    expect(() => registry.prepareInput('std.js', {})).to.throw(/missing required parameter\(s\) script/);
    expect(expectFailure(await js({ script: 42 }))).to.match(/script must be a string/);
  });
});

describe('std.javascript isolation', () => {
  let registry: ActionRegistry;
  before(() => {
    registry = createDefaultRegistry({ javascript: { maxTimeoutSeconds: 2, memoryMb: 32 } });
  });
  after(() => registry.close());

  function js(input: Record<string, unknown>, signal?: AbortSignal): Promise<ActionOutcome> {
    const ctx = signal ? makeCtx({ signal }) : makeCtx();
    return Promise.resolve(registry.require('std.js').run(registry.prepareInput('std.js', input), ctx));
  }

  it('refuses import() without ending the process, and keeps serving scripts', async () => {
    const out = await js({ script: "return import('fs')" });
    expect(expectOk(out)).to.deep.equal({});
    const awaited = await js({ script: "import('fs').then(function (m) { throw m; }); return 1" });
    expect(expectOk(awaited)).to.equal(1);
    expect(expectOk(await js({ script: 'return 2' }))).to.equal(2);
  });

  it('has no require, process or fetch in the sandbox', async () => {
    expect(
      expectOk(
        await js({ script: 'return [typeof require, typeof process, typeof fetch, typeof WebSocket]' }),
      ),
    ).to.deep.equal(['undefined', 'undefined', 'undefined', 'undefined']);
  });

  it('refuses a timeout above the configured cap, and a malformed one', async () => {
    expect(expectFailure(await js({ script: 'return 1', timeout: 100000000 }))).to.equal(
      'JavaScriptAction failed: timeout 100000000 s exceeds the limit of 2 s (TRAM_SCRIPT_TIMEOUT_MAX)',
    );
    expect(expectFailure(await js({ script: 'return 1', timeout: 'soon' }))).to.match(
      /timeout must be a positive number of seconds/,
    );
  });

  it('ends a script that exhausts its memory cap as a failure, and the next script runs', async () => {
    const out = await js({ script: 'var a = []; for (;;) a.push(new Array(100000).fill(1.5));', timeout: 2 });
    expect(expectFailure(out)).to.match(/memory limit \(32 MiB\)|timed out/);
    expect(expectOk(await js({ script: 'return 3' }))).to.equal(3);
  });

  it('keeps the caller event loop free while a script spins', async () => {
    const spinning = js({ script: 'while (true) {}', timeout: 0.5 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const out = await spinning;
    clearInterval(timer);
    expect(expectFailure(out)).to.equal('JavaScriptAction failed: script timed out after 0.5 s');
    expect(ticks).to.be.above(5);
  });

  it('stops a running script when the task is cancelled', async () => {
    const controller = new AbortController();
    const running = js({ script: 'while (true) {}', timeout: 2 }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(expectFailure(await running)).to.equal('JavaScriptAction failed: script cancelled');
  });
});
