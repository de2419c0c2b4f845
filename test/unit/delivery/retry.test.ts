/** The retry schedule: when a failed delivery is tried again, with jitter and the receiver's Retry-After. */
import { expect } from 'chai';
import { DEFAULT_RETRY_SCHEDULE, JITTER, nextRetryDelayMs } from '../../../delivery/retry.js';

const HALF = () => 0.5;
const DAY_MS = 24 * 3600 * 1000;

describe('nextRetryDelayMs', () => {
  describe('schedule', () => {
    it('uses the n-th delay after n failed attempts (the schedule holds the delays before the 2nd, 3rd... attempt)', () => {
      const schedule = [1, 2, 3];
      expect(nextRetryDelayMs(schedule, 1, undefined, HALF)).to.equal(1000);
      expect(nextRetryDelayMs(schedule, 2, undefined, HALF)).to.equal(2000);
      expect(nextRetryDelayMs(schedule, 3, undefined, HALF)).to.equal(3000);
    });

    it('gives up (null) once every retry of the schedule failed: schedule.length retries, length + 1 attempts', () => {
      for (const schedule of [[5], [1, 2], [0.01, 0.01, 0.01], [...DEFAULT_RETRY_SCHEDULE]]) {
        // The last retry of the schedule is still granted...
        expect(
          nextRetryDelayMs(schedule, schedule.length, undefined, HALF),
          `len ${schedule.length}`,
        ).to.be.a('number');
        // ...and its failure (the first attempt plus schedule.length retries) ends the delivery.
        expect(nextRetryDelayMs(schedule, schedule.length + 1, undefined, HALF)).to.equal(null);
        expect(nextRetryDelayMs(schedule, schedule.length + 5, undefined, HALF)).to.equal(null);
      }
    });

    it('an empty schedule gives up after the first failure', () => {
      expect(nextRetryDelayMs([], 1, undefined, HALF)).to.equal(null);
    });

    it('gives up even when the receiver asked to wait (Retry-After does not extend the schedule)', () => {
      expect(nextRetryDelayMs([1], 2, 60_000, HALF)).to.equal(null);
    });

    it('a zero delay retries at once', () => {
      expect(nextRetryDelayMs([0, 0], 1, undefined, () => 1)).to.equal(0);
    });

    it('defaults to Svix-like delays: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
      expect(DEFAULT_RETRY_SCHEDULE).to.deep.equal([5, 300, 1800, 7200, 18000, 36000, 36000]);
    });
  });

  describe('jitter', () => {
    it('is ±20 %: random() = 0 gives 80 % of the delay, 1 gives 120 %, 0.5 the delay itself', () => {
      expect(JITTER).to.equal(0.2);
      expect(nextRetryDelayMs([10], 1, undefined, () => 0)).to.equal(8000);
      expect(nextRetryDelayMs([10], 1, undefined, () => 1)).to.equal(12000);
      expect(nextRetryDelayMs([10], 1, undefined, () => 0.5)).to.equal(10000);
    });

    it('stays within the bounds with the default random source', () => {
      for (let i = 0; i < 200; i++) {
        const d = nextRetryDelayMs([300], 1, undefined);
        expect(d).to.be.a('number');
        expect(d!).to.be.at.least(240_000).and.at.most(360_000);
      }
    });

    it('rounds to whole milliseconds', () => {
      const d = nextRetryDelayMs([0.0123], 1, undefined, () => 0.37);
      expect(Number.isInteger(d)).to.equal(true);
    });
  });

  describe('Retry-After', () => {
    it('a Retry-After longer than the (jittered) delay wins', () => {
      expect(nextRetryDelayMs([5], 1, 60_000, HALF)).to.equal(60_000);
      // Compared with the jittered delay: 120 % of 5 s is 6 s, still shorter than 7 s.
      expect(nextRetryDelayMs([5], 1, 7_000, () => 1)).to.equal(7_000);
    });

    it('a shorter Retry-After does not bring the retry forward', () => {
      expect(nextRetryDelayMs([300], 1, 1_000, HALF)).to.equal(300_000);
      expect(nextRetryDelayMs([300], 1, 1_000, () => 0)).to.equal(240_000);
      expect(nextRetryDelayMs([300], 1, 0, () => 1)).to.equal(360_000);
    });

    it('is capped at 24 hours', () => {
      expect(nextRetryDelayMs([5], 1, 3 * DAY_MS, HALF)).to.equal(DAY_MS);
      expect(nextRetryDelayMs([5], 1, DAY_MS + 1, () => 0)).to.equal(DAY_MS);
      expect(nextRetryDelayMs([5], 1, DAY_MS - 1, HALF)).to.equal(DAY_MS - 1);
    });

    it('caps a schedule delay at one day too (a listener stored before input refused longer ones)', () => {
      expect(nextRetryDelayMs([30 * 3600], 1, 3 * DAY_MS, HALF)).to.equal(DAY_MS);
      // 3,000,000 s would overflow Node's timer into one firing every millisecond.
      expect(nextRetryDelayMs([3_000_000], 1, undefined, HALF)).to.equal(DAY_MS);
    });
  });
});
