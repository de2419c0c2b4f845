/** `tram serve`'s heap sizing: the V8 flag follows the configuration, and 0 leaves V8's own sizing alone. */
import { expect } from 'chai';
import { heapFlags } from '../../../cli/heap.js';
import { loadConfig } from '../../../config/index.js';

describe('tram serve heap sizing', () => {
  it('asks V8 for a 30% growth step by default', () => {
    expect(heapFlags(loadConfig({}, {}))).to.deep.equal(['--heap-growing-percent=30']);
  });

  it('takes the step from TRAM_HEAP_GROWTH_PERCENT, and sets no flag for 0', () => {
    expect(heapFlags(loadConfig({}, { TRAM_HEAP_GROWTH_PERCENT: '50' }))).to.deep.equal([
      '--heap-growing-percent=50',
    ]);
    expect(heapFlags(loadConfig({}, { TRAM_HEAP_GROWTH_PERCENT: '0' }))).to.deep.equal([]);
  });

  it('names an invalid TRAM_HEAP_GROWTH_PERCENT at start-up', () => {
    expect(() => loadConfig({}, { TRAM_HEAP_GROWTH_PERCENT: '-5' })).to.throw(/TRAM_HEAP_GROWTH_PERCENT/);
    expect(() => loadConfig({}, { TRAM_HEAP_GROWTH_PERCENT: 'lots' })).to.throw(/TRAM_HEAP_GROWTH_PERCENT/);
  });
});
