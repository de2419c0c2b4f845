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

  function js(input: Record<string, unknown>, name = 'std.js'): ActionOutcome {
    return registry.require(name).run(registry.prepareInput(name, input), makeCtx()) as ActionOutcome;
  }

  it('runs the script as a function body with $ bound to the context', () => {
    expect(js({ script: 'return $.a + 1', context: { a: 41 } })).to.deep.equal({ ok: true, data: 42 });
    expect(
      js({ script: 'return $.items.map(x => x * 2)', context: { items: [1, 2] } }, 'std.javascript'),
    ).to.deep.equal({
      ok: true,
      data: [2, 4],
    });
  });

  it('gives null as $ and as the result when there is no context or no return', () => {
    expect(js({ script: 'return $' })).to.deep.equal({ ok: true, data: null });
    expect(js({ script: 'var x = 1;' })).to.deep.equal({ ok: true, data: null });
  });

  it('returns JSON data: functions dropped, dates as strings', () => {
    const data = expectOk(js({ script: 'return {f: function () {}, d: new Date(0), n: 1}' }));
    expect(data).to.deep.equal({ d: '1970-01-01T00:00:00.000Z', n: 1 });
  });

  it('does not share state between runs', () => {
    js({ script: 'globalThis.leak = 1; Object.prototype.polluted = true; return 0' });
    expect(expectOk(js({ script: 'return [typeof leak, ({}).polluted === undefined]' }))).to.deep.equal([
      'undefined',
      true,
    ]);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('does not expose process, require or the host through constructors', () => {
    expect(
      expectOk(js({ script: 'return [typeof process, typeof require, typeof module, typeof setTimeout]' })),
    ).to.deep.equal(['undefined', 'undefined', 'undefined', 'undefined']);
    const viaGlobal = js({ script: "return this.constructor.constructor('return process')()" });
    expect(expectFailure(viaGlobal)).to.match(/^JavaScriptAction failed: /);
    const viaContext = js({
      script: "return $.constructor.constructor('return process')().pid",
      context: {},
    });
    expect(expectFailure(viaContext)).to.match(/^JavaScriptAction failed: /);
  });

  it('ends an infinite loop at the timeout', () => {
    const started = Date.now();
    expect(expectFailure(js({ script: 'while (true) {}', timeout: 0.1 }))).to.equal(
      'JavaScriptAction failed: script timed out after 0.1 s',
    );
    expect(Date.now() - started).to.be.below(2000);
  });

  it('ends a promise-callback loop at the timeout too', () => {
    const out = js({
      script: 'Promise.resolve().then(function spin() { while (true) {} }); return 1',
      timeout: 0.1,
    });
    expect(expectFailure(out)).to.match(/timed out/);
  });

  it('ends a looping toJSON at the timeout too', () => {
    expect(expectFailure(js({ script: 'return {toJSON() { for (;;) {} }}', timeout: 0.1 }))).to.match(
      /timed out/,
    );
  });

  it('reports a thrown error as a failure with its message', () => {
    expect(expectFailure(js({ script: "throw new TypeError('bad thing')" }))).to.equal(
      'JavaScriptAction failed: TypeError: bad thing',
    );
    expect(expectFailure(js({ script: "throw 'plain'" }))).to.equal('JavaScriptAction failed: plain');
    expect(expectFailure(js({ script: 'return $.missing.deep', context: {} }))).to.match(/TypeError/);
  });

  it('reports a syntax error, and a stray brace cannot escape the function body', () => {
    expect(expectFailure(js({ script: 'return (' }))).to.match(/^JavaScriptAction failed: SyntaxError/);
    expect(expectFailure(js({ script: '}); (function () {' }))).to.match(/SyntaxError/);
  });

  it('keeps a script that rigs serialisation from running host-side code', () => {
    const script = `Object.prototype.toJSON = function () { throw new Proxy({}, { get() { for (;;) {} } }); };
      throw 1;`;
    expect(expectFailure(js({ script, timeout: 0.2 }))).to.equal(
      'JavaScriptAction failed: the script failed',
    );
  });

  it('fails on a result that JSON cannot represent', () => {
    expect(expectFailure(js({ script: 'return 10n' }))).to.match(/BigInt/);
    expect(expectFailure(js({ script: 'var a = {}; a.self = a; return a' }))).to.match(/circular/i);
  });

  it('requires a script and refuses a non-string one', () => {
    expect(() => js({})).to.throw(/missing required parameter\(s\) script/);
    expect(expectFailure(js({ script: 42 }))).to.match(/script must be a string/);
  });
});
