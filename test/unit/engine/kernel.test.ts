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
      onCommitFatal: (err) => {
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

describe('kernel commit failures', () => {
  /** A store whose commit fails while `failing` says so, counting every attempt. */
  function flakyStore(failing: () => boolean) {
    const seen = { attempts: 0, committed: 0 };
    const store = {
      async commit(_c: ChangeSet) {
        seen.attempts++;
        if (failing()) throw new Error('connection reset');
        seen.committed++;
      },
    } as unknown as Store;
    return { store, seen };
  }
  const dirty = (kernel: Kernel) => () => kernel.uow.receipts.push({} as never);

  it('retries a failed commit and answers the callers once it succeeds', async () => {
    let failures = 2;
    const { store, seen } = flakyStore(() => failures-- > 0);
    const fatal: Error[] = [];
    const kernel = new Kernel(store, { onWorkError: () => undefined, onCommitFatal: (e) => fatal.push(e) });
    const results = await Promise.all([
      kernel.run(() => (dirty(kernel)(), 'a')),
      kernel.run(() => (dirty(kernel)(), 'b')),
    ]);
    expect(results).to.deep.equal(['a', 'b']);
    expect(seen.attempts).to.equal(3);
    expect(seen.committed).to.equal(1);
    expect(fatal).to.deep.equal([]);
    expect(kernel.failure).to.equal(null);
  });

  it('refuses the lost batch, the queued calls and later calls once commits fail past the retry time', async () => {
    const { store } = flakyStore(() => true);
    const fatal: Error[] = [];
    const kernel = new Kernel(store, {
      batchSize: 1,
      commitRetryMs: 200,
      onWorkError: () => undefined,
      onCommitFatal: (e) => fatal.push(e),
    });
    const outcomes = await Promise.allSettled([
      kernel.run(() => (dirty(kernel)(), 1)),
      kernel.run(() => (dirty(kernel)(), 2)),
    ]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'rejected']);
    for (const o of outcomes) expect((o as PromiseRejectedResult).reason.code).to.equal('STORE_UNAVAILABLE');
    expect(fatal).to.have.length(1);
    expect(fatal[0]?.message).to.equal('connection reset');
    const later = await kernel.run(() => 3).catch((e: { code: string }) => e.code);
    expect(later).to.equal('STORE_UNAVAILABLE');
    await kernel.idle();
  });
});
