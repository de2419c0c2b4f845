/**
 * The kernel commits one batch at a time, in order, on a store whose commit really waits for I/O (PostgreSQL).
 * Work enqueued by a drain's first batch, before its first commit, used to schedule a second drain whose commit
 * overlapped the first one's and could land before it (an older state of an execution written last).
 */
import { expect } from 'chai';
import { Kernel } from '../../../engine/runtime/kernel.js';
import type { ChangeSet, Store } from '../../../store/index.js';

describe('kernel', () => {
  it('never overlaps two commits, even when the first batch enqueues more work', async () => {
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    let next = 0;
    const store = {
      async commit(_c: ChangeSet) {
        inFlight++;
        most = Math.max(most, inFlight);
        const n = next++;
        // I/O: resolves on a later turn of the event loop, after pending immediates.
        await new Promise((r) => setTimeout(r, 5));
        order.push(n);
        inFlight--;
      },
    } as unknown as Store;
    const kernel = new Kernel(store, {
      batchSize: 1,
      onWorkError: (err) => {
        throw err;
      },
      onCommitError: (err) => {
        throw err;
      },
    });
    // Each item marks the batch dirty (a receipt) and enqueues the next: one batch, one commit per item.
    const step = (left: number) => () => {
      kernel.uow.receipts.push({} as never);
      if (left > 0) kernel.enqueue(step(left - 1));
    };
    kernel.enqueue(step(5));
    await kernel.idle();
    await new Promise((r) => setTimeout(r, 50));
    expect(most).to.equal(1);
    expect(order).to.deep.equal([0, 1, 2, 3, 4, 5]);
  });
});
