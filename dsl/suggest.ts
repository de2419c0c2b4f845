/**
 * "Did you mean ...?": the closest of a set of known words to a misspelt one, for unknown keys, tasks and actions.
 */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions, the commonest typo). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Candidate comparisons one document may spend on hints. Each hint compares a word with every candidate, so a
 * document with thousands of misspelt names among thousands of names would take minutes; past this budget (far
 * beyond any real document: ~0.2 s) its remaining problems are reported without a hint.
 */
export const HINT_BUDGET = 2_000_000;

/** What is left of a document's budget; shared by the hints of one document. */
export interface HintBudget {
  left: number;
}

/** The candidate closest to `word`, if it is close enough to be a plausible typo (a third of its length). */
export function closest(
  word: string,
  candidates: Iterable<string>,
  budget: HintBudget = { left: Infinity },
): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (budget.left <= 0) return undefined;
    budget.left--;
    const other = c.toLowerCase();
    // A distance is at least the difference in length: most candidates are ruled out without the table.
    if (Math.abs(other.length - lower.length) > Math.min(limit, bestDistance - 1)) continue;
    const dist = editDistance(lower, other);
    if (dist <= limit && dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return best;
}

/** " (did you mean 'x'?)" or "". */
export function didYouMean(word: string, candidates: Iterable<string>, budget?: HintBudget): string {
  const hit = closest(word, candidates, budget);
  return hit === undefined ? '' : ` (did you mean '${hit}'?)`;
}
