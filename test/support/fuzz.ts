/**
 * fast-check settings for the property tests. CI must be reproducible, so the seed is fixed unless
 * `FUZZ_SEED` names another one (or `random`, to explore); `FUZZ_SCALE` multiplies every run count, for a long
 * hunt on a spare machine (`FUZZ_SEED=random FUZZ_SCALE=50 npx mocha test/unit/expressions/fuzz.test.ts`).
 * A failure prints its seed and path, which replay it exactly.
 */
const DEFAULT_SEED = 20261203;

function seed(): number | undefined {
  const raw = process.env.FUZZ_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  if (raw === 'random') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED must be an integer or 'random', not '${raw}'`);
  return n;
}

function scale(): number {
  const n = Number(process.env.FUZZ_SCALE ?? '1');
  if (!(n > 0)) throw new Error(`FUZZ_SCALE must be a positive number, not '${process.env.FUZZ_SCALE}'`);
  return n;
}

/** The parameters of one `fc.assert`: `numRuns` scaled, and the seed. */
export function fuzzRuns(numRuns: number): { numRuns: number; seed?: number } {
  const s = seed();
  const runs = Math.max(1, Math.round(numRuns * scale()));
  return s === undefined ? { numRuns: runs } : { numRuns: runs, seed: s };
}
