/**
 * Regular expressions for YAQL's `=~`, `!~` and `matches()`.
 *
 * A JavaScript regex cannot be interrupted, so a pattern with catastrophic backtracking would freeze the engine
 * past any timeout. Patterns are screened with the star-height rule used by safe-regex checkers: a repeated
 * group may not itself contain a repetition or an alternation (`(a+)+`, `(a|aa)*` are refused), and
 * back-references are refused. Python's `(?P<name>...)` is accepted as `(?<name>...)`, and a leading inline
 * `(?i)` becomes the `i` flag.
 */
import { LruCache } from './cache.js';
import { fail } from './failure.js';

const MAX_PATTERN = 1000;
const cache = new LruCache<string, RegExp>(500);

interface Group {
  repeats: boolean;
  alternates: boolean;
}

/** Length of the quantifier at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, with an optional lazy `?`), or 0. */
function quantifierAt(p: string, i: number): number {
  const c = p[i];
  let len = 0;
  if (c === '*' || c === '+' || c === '?') len = 1;
  else if (c === '{') len = /^\{\d+(,\d*)?\}/.exec(p.slice(i))?.[0].length ?? 0;
  if (len > 0 && p[i + len] === '?') len++;
  return len;
}

function screen(p: string): void {
  const stack: Group[] = [{ repeats: false, alternates: false }];
  const top = (): Group => stack[stack.length - 1]!;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const next = p[i + 1] ?? '';
      if (/[1-9k]/.test(next)) fail('back-references are not supported in patterns');
      i++;
    } else if (c === '[') {
      for (i++; i < p.length && p[i] !== ']'; i++) if (p[i] === '\\') i++;
    } else if (c === '(') {
      if (p.startsWith('(?P=', i)) fail('back-references are not supported in patterns');
      stack.push({ repeats: false, alternates: false });
    } else if (c === ')') {
      const group = stack.length > 1 ? stack.pop()! : top();
      const q = quantifierAt(p, i + 1);
      if (q > 0 && (group.repeats || group.alternates)) {
        fail(
          'pattern may backtrack catastrophically (a repeated group contains a repetition or alternation)',
        );
      }
      if (group.repeats || q > 0) top().repeats = true;
      i += q;
    } else if (c === '|') {
      top().alternates = true;
    } else {
      const q = quantifierAt(p, i);
      if (q > 0) {
        top().repeats = true;
        i += q - 1;
      }
    }
  }
}

/** A compiled, screened regular expression for a YAQL pattern (searched anywhere, like Python's re.search). */
export function safeRegExp(pattern: string): RegExp {
  return cache.getOrCreate(pattern, () => {
    if (pattern.length > MAX_PATTERN) fail(`pattern longer than ${MAX_PATTERN} characters`);
    let source = pattern.replace(/\(\?P</g, '(?<');
    let flags = '';
    if (source.startsWith('(?i)')) {
      source = source.slice(4);
      flags += 'i';
    }
    screen(source);
    try {
      return new RegExp(source, flags);
    } catch (err) {
      return fail(`invalid pattern: ${(err as Error).message}`);
    }
  });
}
