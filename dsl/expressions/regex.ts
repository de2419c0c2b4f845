/**
 * Regular expressions for YAQL's `=~`, `!~` and `matches()`.
 *
 * A JavaScript regex runs on the event loop and cannot be interrupted, so a pattern that backtracks
 * catastrophically would freeze the whole server. Three defences:
 * - Patterns are screened with the star-height rule used by safe-regex checkers: a repeated group may not itself
 *   contain a repetition or an alternation (`(a+)+`, `(a|aa)*` are refused), and back-references are refused.
 *   That gives a clear error for the exponential cases.
 * - The screen cannot see polynomial backtracking: `\s*a*\s*a*\s*a*!` on 100,000 `a`s froze the server for
 *   good. V8 has a second, non-backtracking engine (linear in the text); with the flag set below, a match that
 *   backtracks too much is run again there. It takes every pattern without back-references or look-arounds.
 * - A pattern with a look-around, which that engine cannot take, is run under a time limit (`LOOKAROUND_LIMIT_MS`)
 *   in a `vm` context, which V8 can interrupt; past the limit the expression fails. That costs about 0.2 ms a
 *   match, so only those patterns pay it.
 * Python's `(?P<name>...)` is accepted as `(?<name>...)`, and a leading inline `(?i)` becomes the `i` flag.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { LruCache } from './cache.js';
import { fail } from './failure.js';

// Read when a regex runs, so setting it here, before any pattern of this module runs, covers them all.
v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

const LOOKAROUND = /\(\?<?[=!]/;
const LOOKAROUND_LIMIT_MS = 1000;
let sandbox: vm.Context | null = null;
const RUN_TEST = new vm.Script('re.test(text)');

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

/** Whether `pattern` is found in `text` (anywhere, like Python's `re.search`), in bounded time. */
export function regexTest(pattern: string, text: string): boolean {
  const re = safeRegExp(pattern);
  return LOOKAROUND.test(re.source) ? boundedTest(re, text) : re.test(text);
}

function boundedTest(re: RegExp, text: string): boolean {
  const ctx = (sandbox ??= vm.createContext({ re: null, text: '' })) as { re: RegExp | null; text: string };
  ctx.re = re;
  ctx.text = text;
  try {
    return RUN_TEST.runInContext(ctx, { timeout: LOOKAROUND_LIMIT_MS }) === true;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      return fail(
        `the pattern ran longer than ${LOOKAROUND_LIMIT_MS} ms on this text: it may backtrack catastrophically`,
      );
    }
    throw err;
  } finally {
    ctx.re = null;
    ctx.text = '';
  }
}

/** A compiled, screened regular expression for a YAQL pattern. */
function safeRegExp(pattern: string): RegExp {
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
