/**
 * The resource budget of one top-level evaluation: a wall-clock deadline, checked every few hundred evaluation
 * steps, and caps on the strings and collections an expression builds, both one at a time and in total. A Budget
 * is created per `evaluateString` call and shared by everything that call runs (YAQL lambdas, Jinja loops, stdlib
 * functions), so a hostile or buggy expression fails fast with a clear reason instead of hanging the engine or
 * exhausting its memory.
 */
import { EvalFailure } from './failure.js';
import type { EvalLimits } from './types.js';

export const DEFAULT_LIMITS: Readonly<EvalLimits> = Object.freeze({
  timeoutMs: 1000,
  maxCollectionSize: 1_000_000,
  maxStringLength: 10_000_000,
});

/**
 * The total an evaluation may build, as a multiple of the per-item limits: enough for any realistic expression,
 * small enough that `range(1000000).select("x" * 10000000)` fails after a few items instead of allocating terabytes.
 */
const TOTAL_FACTOR = 10;
/** Reading the clock on every step would dominate cheap expressions; every 256 steps bounds the overrun. */
const CLOCK_EVERY = 256;

export class Budget {
  readonly limits: EvalLimits;
  private readonly deadline: number;
  private steps = 0;
  private stringTotal = 0;
  private collectionTotal = 0;

  constructor(
    limits: Partial<EvalLimits> | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.limits = limits ? { ...DEFAULT_LIMITS, ...limits } : DEFAULT_LIMITS;
    this.deadline = now() + this.limits.timeoutMs;
  }

  /** One unit of work; fails once the deadline has passed. */
  tick(): void {
    if (++this.steps % CLOCK_EVERY === 0) this.checkClock();
  }

  checkClock(): void {
    if (this.now() > this.deadline) {
      throw new EvalFailure(`evaluation took longer than ${this.limits.timeoutMs} ms (timeoutMs)`);
    }
  }

  /** Declares a collection of `size` items about to be built. */
  collection(size: number): void {
    const max = this.limits.maxCollectionSize;
    if (size > max) throw new EvalFailure(`a collection of ${size} items exceeds maxCollectionSize (${max})`);
    this.collectionTotal += size;
    if (this.collectionTotal > max * TOTAL_FACTOR) {
      throw new EvalFailure(`the expression built more than ${max * TOTAL_FACTOR} collection items in total`);
    }
  }

  /** Declares a string of `length` characters about to be built. */
  string(length: number): void {
    const max = this.limits.maxStringLength;
    if (length > max)
      throw new EvalFailure(`a string of ${length} characters exceeds maxStringLength (${max})`);
    this.stringTotal += length;
    if (this.stringTotal > max * TOTAL_FACTOR) {
      throw new EvalFailure(`the expression built more than ${max * TOTAL_FACTOR} characters in total`);
    }
  }
}
