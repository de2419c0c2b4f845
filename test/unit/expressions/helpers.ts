/** Shared helpers of the expression tests: evaluate one YAQL or Jinja expression, catch typed errors, stub hosts. */
import { expect } from 'chai';
import { ExpressionError, ExpressionSyntaxError, evaluateString } from '../../../dsl/expressions/index.js';
import type { EvalContext, ExpressionHost } from '../../../dsl/expressions/index.js';

/** Evaluates `<% expr %>` against `data`. */
export function yaql(expr: string, data: unknown = {}, extra: Partial<EvalContext> = {}): unknown {
  return evaluateString(`<% ${expr} %>`, { data, ...extra });
}

/** Evaluates `{{ expr }}` against `data`. */
export function jinja(expr: string, data: unknown = {}, extra: Partial<EvalContext> = {}): unknown {
  return evaluateString(`{{ ${expr} }}`, { data, ...extra });
}

/** Runs `fn`, expecting an ExpressionError; returns it. */
export function evalError(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(ExpressionError);
    return err as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
}

/** Runs `fn`, expecting an ExpressionSyntaxError; returns it. */
export function syntaxError(fn: () => unknown): ExpressionSyntaxError {
  try {
    fn();
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(ExpressionSyntaxError);
    return err as ExpressionSyntaxError;
  }
  throw new Error('expected an ExpressionSyntaxError');
}

/** A host answering from fixed tables, recording the calls it receives. */
export function stubHost(tables: {
  tasks?: Record<string, unknown>;
  current?: string;
  execution?: unknown;
  env?: unknown;
  globals?: Record<string, unknown>;
}): ExpressionHost & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    task(name) {
      calls.push(['task', name]);
      const key = name ?? tables.current;
      return key !== undefined ? (tables.tasks?.[key] ?? null) : null;
    },
    tasks(...args) {
      calls.push(['tasks', ...args]);
      return Object.values(tables.tasks ?? {});
    },
    execution() {
      calls.push(['execution']);
      return tables.execution ?? null;
    },
    env() {
      calls.push(['env']);
      return tables.env ?? {};
    },
    global(name) {
      calls.push(['global', name]);
      return tables.globals?.[name] ?? null;
    },
  };
}
