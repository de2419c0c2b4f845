import { expect } from 'chai';
import { MAX_NODE_TIMER_MS, systemClock, valueProblem } from '../../../common/index.js';

describe('valueProblem', () => {
  it('accepts ordinary data', () => {
    expect(valueProblem({ a: [1, 'x', null, { b: true }] })).to.equal(undefined);
  });

  it('names a value nested too deep without overflowing the stack itself', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(valueProblem(deep)).to.equal('nests deeper than 100 levels');
    expect(valueProblem(deep, { maxDepth: 200_000, maxBytes: 1e9 })).to.equal(undefined);
  });

  it('names a value too large, and treats a cycle as too deep', () => {
    expect(valueProblem(['x'.repeat(100)], { maxDepth: 10, maxBytes: 50 })).to.equal(
      'is larger than 50 bytes',
    );
    const a: unknown[] = [];
    a.push(a);
    expect(valueProblem(a)).to.equal('nests deeper than 100 levels');
  });
});

describe('systemClock', () => {
  it('waits a delay beyond 2^31 ms instead of firing at once', async () => {
    let fired = false;
    const handle = systemClock.setTimeout(() => (fired = true), MAX_NODE_TIMER_MS * 2);
    await new Promise((r) => setTimeout(r, 30));
    systemClock.clearTimeout(handle);
    expect(fired).to.equal(false);
  });
});
