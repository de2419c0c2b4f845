/** Deferred fan-outs: what each write takes, and the outbox position it may store. */
import { expect } from 'chai';
import { DeferredFanOuts } from '../../../delivery/deferred.js';
import type { Delivery } from '../../../delivery/types.js';
import { makeDelivery } from './helpers.js';

const HOLD_MS = 500;

function d(id: string, overrides: Partial<Delivery> = {}): Delivery {
  return makeDelivery({ id, state: 'pending', ...overrides });
}

function outcomes(...ds: Delivery[]): Map<string, Delivery> {
  return new Map(ds.map((x) => [x.id, { ...x, state: 'succeeded', attempts: 1 }]));
}

const ids = (w: { deliveries: Delivery[] } | null) => w?.deliveries.map((x) => x.id).sort();

describe('DeferredFanOuts', () => {
  it("stores a step's position only once its deliveries and those of the steps before it are all taken", () => {
    const f = new DeferredFanOuts(HOLD_MS);
    f.add([d('a'), d('b')], 10, 0);
    f.add([d('c')], 20, 0);
    const first = f.take(outcomes(d('a'), d('c')), 1, false);
    expect(ids(first)).to.deep.equal(['a', 'c']);
    expect(first?.cursor).to.equal(0); // b of step 10 still waits, so step 20 is not wholly written either
    const second = f.take(outcomes(d('b')), 2, false);
    expect(ids(second)).to.deep.equal(['b']);
    expect(second?.cursor).to.equal(20);
    expect(f.pending).to.equal(false);
  });

  it('takes a delivery with its latest outcome out of the outcomes, and leaves the other outcomes there', () => {
    const f = new DeferredFanOuts(HOLD_MS);
    f.add([d('a')], 10, 0);
    const batch = outcomes(d('a'), d('x'));
    const w = f.take(batch, 1, false);
    expect(w?.deliveries[0]).to.include({ id: 'a', state: 'succeeded', attempts: 1 });
    expect([...batch.keys()]).to.deep.equal(['x']);
  });

  it('holds a delivery without an outcome for holdMs, then takes it as it is; `all` takes it at once', () => {
    const f = new DeferredFanOuts(HOLD_MS);
    f.add([d('a')], 10, 0);
    f.add([d('b')], 20, 300);
    expect(f.take(new Map(), 100, false)).to.equal(null);
    expect(f.dueIn(100)).to.equal(400);
    const due = f.take(new Map(), 600, false);
    expect(ids(due)).to.deep.equal(['a']);
    expect(due?.deliveries[0]?.state).to.equal('pending');
    expect(due?.cursor).to.equal(10);
    const rest = f.take(new Map(), 601, true);
    expect(ids(rest)).to.deep.equal(['b']);
    expect(rest?.cursor).to.equal(20);
  });

  it('a failed write puts its deliveries and steps back: the next take writes them again, newer outcomes winning', () => {
    const f = new DeferredFanOuts(HOLD_MS);
    const t = 1_000_000;
    f.add([d('a'), d('b')], 10, t);
    f.add([d('c')], 20, t);
    const failed = f.take(outcomes(d('a'), d('b')), t + 1, false);
    expect(failed?.cursor).to.equal(10);
    f.putBack(failed!);
    expect(f.pending).to.equal(true);
    expect(f.dueIn(t + 2)).to.equal(0); // put back: due at once
    const again = f.take(new Map([['a', d('a', { state: 'succeeded', attempts: 2 })]]), t + 2, false);
    expect(ids(again)).to.deep.equal(['a', 'b']);
    expect(again?.deliveries.find((x) => x.id === 'a')?.attempts).to.equal(2);
    expect(again?.cursor).to.equal(10); // c of step 20 still waits
    expect(ids(f.take(outcomes(d('c')), t + 3, false))).to.deep.equal(['c']);
    expect(f.pending).to.equal(false);
  });

  it("forgets a deleted listener's deliveries: its steps complete without them", () => {
    const f = new DeferredFanOuts(HOLD_MS);
    f.add([d('a', { listenerId: 'gone' }), d('b', { listenerId: 'kept' })], 10, 0);
    f.forget('gone');
    const w = f.take(outcomes(d('b', { listenerId: 'kept' })), 1, false);
    expect(ids(w)).to.deep.equal(['b']);
    expect(w?.cursor).to.equal(10);
  });
});
