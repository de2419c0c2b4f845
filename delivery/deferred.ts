/**
 * Deferred fan-out writes. A fan-out step whose deliveries all went straight into memory need not be stored
 * before they are sent: nothing reads them from the store meanwhile. They wait here and are written with the
 * batch of outcomes that holds their first outcome, in their state after it, so a delivery that succeeds at
 * once is written once instead of inserted pending and then updated (a delivery row sits in seven B-trees, a
 * pending one in two more). One not attempted within `holdMs` (its queue is behind, or waits for a retry) is
 * written as it is, pending.
 *
 * The outbox position a step reached is written only once every delivery of that step and of the steps before
 * it is written. So a crash loses nothing: the events of the steps not wholly written are fanned out again on
 * start-up and sent again (at-least-once; a delivery sent before the crash is made again with the same id, which
 * the fan-out derives from its event and listener, so receivers dedupe it; a stored one keeps its row and the
 * repeat changes nothing there).
 */
import type { FanOut } from '../store/index.js';
import type { Delivery } from './types.js';

interface Waiting {
  delivery: Delivery;
  /** The outbox position of its step. */
  step: number;
  at: number;
}

/** What the next write stores of the deferred fan-outs (a `FanOut` without listeners or statuses). */
export type DeferredWrite = Pick<FanOut, 'deliveries' | 'cursor'> & { entries: Waiting[]; steps: number[] };

export class DeferredFanOuts {
  /**
   * By delivery id, in the order they are due to be written without an outcome (`at` ascending: fan-out order,
   * a failed write's entries first).
   */
  private waiting = new Map<string, Waiting>();
  /** Positions of the steps not wholly written, ascending. */
  private steps: number[] = [];
  /** How many deliveries of each of those steps wait. A take finds the steps wholly taken without a walk over
   * every delivery waiting (thousands during a catch-up, where a batch holds a few hundred outcomes). */
  private readonly perStep = new Map<number, number>();

  constructor(private readonly holdMs: number) {}

  /** Fan-out steps not wholly written (their position is not stored yet). */
  get pending(): boolean {
    return this.steps.length > 0;
  }

  add(deliveries: readonly Delivery[], cursor: number, now: number): void {
    this.steps.push(cursor);
    this.perStep.set(cursor, deliveries.length);
    for (const d of deliveries) this.waiting.set(d.id, { delivery: { ...d }, step: cursor, at: now });
  }

  private remove(id: string, w: Waiting): void {
    this.waiting.delete(id);
    this.perStep.set(w.step, (this.perStep.get(w.step) ?? 1) - 1);
  }

  /**
   * Takes what is to be written now: the deliveries with an outcome (their latest record, taken out of
   * `outcomes`), those waiting for `holdMs` or more, or all of them (`all`); and the position of the last step
   * wholly taken (0: none).
   */
  take(outcomes: Map<string, Delivery>, now: number, all: boolean): DeferredWrite | null {
    if (!this.steps.length) return null;
    const entries: Waiting[] = [];
    for (const [id, latest] of outcomes) {
      const w = this.waiting.get(id);
      if (!w) continue;
      outcomes.delete(id);
      w.delivery = latest;
      this.remove(id, w);
      entries.push(w);
    }
    for (const [id, w] of this.waiting) {
      if (!all && now - w.at < this.holdMs) break; // the rest came later
      this.remove(id, w);
      entries.push(w);
    }
    let done = 0;
    while (done < this.steps.length && !this.perStep.get(this.steps[done] as number)) done++;
    const steps = this.steps.slice(0, done);
    this.steps = this.steps.slice(done);
    for (const s of steps) this.perStep.delete(s);
    if (!entries.length && !steps.length) return null;
    return {
      deliveries: entries.map((e) => e.delivery),
      cursor: steps[steps.length - 1] ?? 0,
      entries,
      steps,
    };
  }

  /** A write that failed: its deliveries and steps wait again (outcomes recorded since win at the next take). */
  putBack(w: DeferredWrite): void {
    const rest = this.waiting;
    this.waiting = new Map(w.entries.map((e) => [e.delivery.id, { ...e, at: 0 }]));
    for (const [id, e] of rest) this.waiting.set(id, e);
    for (const s of w.steps) this.perStep.set(s, 0);
    for (const e of w.entries) this.perStep.set(e.step, (this.perStep.get(e.step) ?? 0) + 1);
    this.steps = [...w.steps, ...this.steps].sort((a, b) => a - b);
  }

  /** The listener was deleted: its deliveries not yet stored are not to be. */
  forget(listenerId: string): void {
    for (const [id, w] of this.waiting) if (w.delivery.listenerId === listenerId) this.remove(id, w);
  }

  /** When the oldest waiting delivery is due to be written without an outcome (null: none waits). */
  dueIn(now: number): number | null {
    const first = this.waiting.values().next();
    return first.done ? null : Math.max(0, first.value.at + this.holdMs - now);
  }
}
