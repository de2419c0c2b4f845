import { expect } from 'chai';
import { createDefaultRegistry, FAIL_ACTION_MESSAGE } from '../../../actions/index.js';
import type { ActionContext, ActionOutcome, ActionRegistry } from '../../../actions/index.js';
import { expectFailure, expectOk, makeCtx } from './helpers.js';

describe('standard actions (std.noop, echo, fail, sleep, async_noop, test_dict)', () => {
  let registry: ActionRegistry;
  before(() => {
    registry = createDefaultRegistry();
  });
  after(() => registry.close());

  /** Runs an action the way the engine does: input through the registry first. */
  function run(name: string, input: Record<string, unknown> = {}, ctx: ActionContext = makeCtx()) {
    return registry.require(name).run(registry.prepareInput(name, input), ctx);
  }

  describe('std.noop', () => {
    it('returns null synchronously', () => {
      const out = run('std.noop');
      expect(out).to.deep.equal({ ok: true, data: null });
    });

    it('takes no parameters', () => {
      expect(() => run('std.noop', { x: 1 })).to.throw(/unexpected parameter\(s\) x/);
    });
  });

  describe('std.async_noop', () => {
    it('starts and stays running', () => {
      expect(run('std.async_noop')).to.deep.equal({ async: true });
    });
  });

  describe('std.echo', () => {
    it('returns output synchronously when there is no delay', () => {
      expect(run('std.echo', { output: { a: [1, 2] } })).to.deep.equal({ ok: true, data: { a: [1, 2] } });
    });

    it('defaults output to null', () => {
      expect(run('std.echo')).to.deep.equal({ ok: true, data: null });
    });

    it('waits a fractional delay before answering', async () => {
      const started = Date.now();
      const out = run('std.echo', { output: 'late', delay: 0.05 });
      expect(out).to.be.instanceOf(Promise);
      expect(expectOk(await out)).to.equal('late');
      expect(Date.now() - started).to.be.at.least(45);
    });

    it('reads delay as Mistral does: numeric strings count, garbage and negatives mean none', () => {
      expect(run('std.echo', { output: 1, delay: 'soon' })).to.deep.equal({ ok: true, data: 1 });
      expect(run('std.echo', { output: 1, delay: -3 })).to.deep.equal({ ok: true, data: 1 });
      expect(run('std.echo', { output: 1, delay: '0.01' })).to.be.instanceOf(Promise);
    });

    it('fails when aborted during the delay', async () => {
      const ac = new AbortController();
      const out = run('std.echo', { output: 1, delay: 30 }, makeCtx({ signal: ac.signal }));
      ac.abort();
      expect(expectFailure(await out)).to.match(/cancelled/);
    });
  });

  describe('std.fail', () => {
    it("fails with Mistral's message when there is no error_data", () => {
      expect(run('std.fail')).to.deep.equal({ ok: false, error: FAIL_ACTION_MESSAGE });
      expect(FAIL_ACTION_MESSAGE).to.equal('Fail action expected exception.');
    });

    it('fails with error_data as the error', () => {
      expect(run('std.fail', { error_data: { code: 42 } })).to.deep.equal({ ok: false, error: { code: 42 } });
      expect(run('std.fail', { error_data: 'custom' })).to.deep.equal({ ok: false, error: 'custom' });
    });

    it('treats falsy error_data (Python truthiness) as absent', () => {
      for (const empty of [{}, [], '', 0, false]) {
        expect(run('std.fail', { error_data: empty })).to.deep.equal({
          ok: false,
          error: FAIL_ACTION_MESSAGE,
        });
      }
    });
  });

  describe('std.sleep', () => {
    it('returns null after sleeping', async () => {
      const started = Date.now();
      expect(await run('std.sleep', { seconds: 0.05 })).to.deep.equal({ ok: true, data: null });
      expect(Date.now() - started).to.be.at.least(45);
    });

    it('ends early with a failure when the signal aborts', async () => {
      const ac = new AbortController();
      const started = Date.now();
      const out = run('std.sleep', { seconds: 30 }, makeCtx({ signal: ac.signal }));
      setTimeout(() => ac.abort(), 20);
      expect(expectFailure(await out)).to.equal('std.sleep was cancelled');
      expect(Date.now() - started).to.be.below(1000);
    });

    it('fails at once when the signal is already aborted', async () => {
      const started = Date.now();
      const out = await run('std.sleep', { seconds: 30 }, makeCtx({ signal: AbortSignal.abort() }));
      expect(expectFailure(out)).to.equal('std.sleep was cancelled');
      expect(Date.now() - started).to.be.below(100);
    });
  });

  describe('std.test_dict', () => {
    it('builds size entries named by prefix and index', () => {
      expect(run('std.test_dict', { size: 3, key_prefix: 'k', val: 'v' })).to.deep.equal({
        ok: true,
        data: { k0: 'v', k1: 'v', k2: 'v' },
      });
    });

    it("uses Mistral's defaults: empty dict, empty prefix and value", () => {
      expect(run('std.test_dict')).to.deep.equal({ ok: true, data: {} });
      expect(run('std.test_dict', { size: 2 })).to.deep.equal({ ok: true, data: { '0': '', '1': '' } });
    });

    it('fails on a size that is not a non-negative integer', () => {
      expect(expectFailure(run('std.test_dict', { size: 'many' }) as ActionOutcome)).to.match(/size/);
      expect(expectFailure(run('std.test_dict', { size: -1 }) as ActionOutcome)).to.match(/size/);
    });
  });
});
