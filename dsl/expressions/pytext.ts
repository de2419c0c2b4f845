/**
 * Python's string methods where JavaScript's differ: `split`/`rsplit` with a maximum (JavaScript truncates the
 * result instead of leaving the rest unsplit), whitespace splitting, `strip` with a set of characters, and
 * `replace` with a count. Shared by YAQL's string functions and the Python-style methods offered in Jinja.
 */
import type { Budget } from './budget.js';
import { fail } from './failure.js';

const WHITESPACE = /\s/;

function isWhitespace(c: string): boolean {
  return WHITESPACE.test(c);
}

/** `s.split(sep, maxsplit)`; a null separator splits on runs of whitespace and drops empty ends. */
export function pySplit(s: string, sep: string | null, maxSplit = -1): string[] {
  if (sep === '') return fail('empty separator');
  const out: string[] = [];
  if (sep === null) {
    let i = 0;
    while (i < s.length) {
      while (i < s.length && isWhitespace(s[i] ?? '')) i++;
      if (i >= s.length) break;
      if (maxSplit >= 0 && out.length === maxSplit) {
        out.push(s.slice(i));
        break;
      }
      let j = i;
      while (j < s.length && !isWhitespace(s[j] ?? '')) j++;
      out.push(s.slice(i, j));
      i = j;
    }
    return out;
  }
  let start = 0;
  for (;;) {
    if (maxSplit >= 0 && out.length === maxSplit) break;
    const at = s.indexOf(sep, start);
    if (at < 0) break;
    out.push(s.slice(start, at));
    start = at + sep.length;
  }
  out.push(s.slice(start));
  return out;
}

/** `s.rsplit(sep, maxsplit)`: like split, counting splits from the right. */
export function pyRSplit(s: string, sep: string | null, maxSplit = -1): string[] {
  if (maxSplit < 0) return pySplit(s, sep, -1);
  const rev = (x: string): string => [...x].reverse().join('');
  return pySplit(rev(s), sep === null ? null : rev(sep), maxSplit)
    .map(rev)
    .reverse();
}

export type StripSide = 'both' | 'left' | 'right';

/** `s.strip(chars)` / `lstrip` / `rstrip`; null strips whitespace. */
export function pyStrip(s: string, chars: string | null, side: StripSide = 'both'): string {
  const strips = (c: string): boolean => (chars === null ? isWhitespace(c) : chars.includes(c));
  let start = 0;
  let end = s.length;
  if (side !== 'right') while (start < end && strips(s[start] ?? '')) start++;
  if (side !== 'left') while (end > start && strips(s[end - 1] ?? '')) end--;
  return s.slice(start, end);
}

/** Length of `s.replace(old, new, count)` without building it, so callers can check limits first. */
export function pyReplaceLength(s: string, old: string, replacement: string, count = -1): number {
  let n = 0;
  if (old === '') n = s.length + 1;
  else for (let at = s.indexOf(old); at >= 0; at = s.indexOf(old, at + old.length)) n++;
  if (count >= 0) n = Math.min(n, count);
  return s.length + n * (replacement.length - old.length);
}

/** `s.replace(old, new, count)`; an empty `old` inserts between characters, as in Python. */
export function pyReplace(s: string, old: string, replacement: string, count = -1): string {
  if (count < 0)
    return old === ''
      ? [...s].map((c) => replacement + c).join('') + replacement
      : s.split(old).join(replacement);
  let out = '';
  let start = 0;
  for (let done = 0; done < count; done++) {
    if (old === '') {
      if (start > s.length) break;
      out += replacement + s.slice(start, start + 1);
      start++;
      continue;
    }
    const at = s.indexOf(old, start);
    if (at < 0) break;
    out += s.slice(start, at) + replacement;
    start = at + old.length;
  }
  return out + s.slice(start);
}

/** `seq * times` for a string or list (nothing for a count below 1), its size declared to the budget first. */
export function pyRepeat(
  seq: string | readonly unknown[],
  times: number,
  budget: Budget,
): string | unknown[] {
  const n = Math.max(0, times);
  if (typeof seq === 'string') {
    budget.string(seq.length * n);
    return seq.repeat(n);
  }
  budget.collection(seq.length * n);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(...seq);
  return out;
}
