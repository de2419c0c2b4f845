import { expect } from 'chai';
import { LruCache } from '../../../dsl/expressions/cache.js';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its capacity', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).to.equal(1);
    cache.set('c', 3);
    expect(cache.get('b')).to.equal(undefined);
    expect(cache.get('a')).to.equal(1);
    expect(cache.size).to.equal(2);
  });

  it('computes a missing value once', () => {
    const cache = new LruCache<string, number>(10);
    let calls = 0;
    const create = () => ++calls;
    expect(cache.getOrCreate('k', create)).to.equal(1);
    expect(cache.getOrCreate('k', create)).to.equal(1);
    expect(calls).to.equal(1);
  });
});
