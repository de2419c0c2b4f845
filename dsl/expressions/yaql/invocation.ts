/**
 * What a YAQL function sees when it is called: its arguments, unevaluated.
 *
 * YAQL passes arguments lazily. `$.xs.where($ > 1)` does not evaluate `$ > 1` once: `where` receives it as a
 * lambda and evaluates it per element with `$` rebound to the element (and `$1`, `$2`... to further lambda
 * arguments). An `Invocation` gives each standard-library function both views, `value(i)` (evaluated once in
 * the caller's scope, memoised) and `lambda(i)`, plus named arguments (`name => value`). The receiver of a
 * method call is positional argument 0, so `x.len()` and `len(x)` reach the same code.
 *
 * Scopes are the context variables: the root scope holds the data as `$`; lambdas and `let(...) ->` push a
 * child scope. An unknown variable is null, as in yaql.
 */
import type { Budget } from '../budget.js';
import { fail } from '../failure.js';
import { InternalValue, typeName } from '../values.js';
import type { ExpressionHost } from '../types.js';
import type { Arg, Mapping, Node } from './ast.js';

/** Variables visible to an expression: positional (`$` = `$1`, `$2`, ...) and named (`$name`). */
export class Scope {
  constructor(
    readonly parent: Scope | null,
    private readonly positional: readonly unknown[],
    private readonly named: ReadonlyMap<string, unknown> | null = null,
  ) {}

  lookup(name: string): unknown {
    const index = name === '' ? 0 : /^\d+$/.test(name) ? Number(name) - 1 : -1;
    if (index >= 0) {
      if (index < this.positional.length) return this.positional[index];
    } else if (this.named?.has(name)) {
      return this.named.get(name);
    }
    return this.parent ? this.parent.lookup(name) : null;
  }
}

/** The value of `let(...)` / `with(...)`: variables waiting for `->` to bring them into scope. */
export class LetContext extends InternalValue {
  constructor(
    readonly positional: readonly unknown[],
    readonly named: ReadonlyMap<string, unknown>,
  ) {
    super();
  }
  describe(): string {
    return 'let() context';
  }
}

/** Everything an evaluation shares: the budget, the host, the functions, and the evaluator itself. */
export interface Runtime {
  readonly budget: Budget;
  readonly host: ExpressionHost | undefined;
  readonly functions: ReadonlyMap<string, readonly Overload[]>;
  evaluate(node: Node, scope: Scope): unknown;
}

export type Builtin = (inv: Invocation) => unknown;

/** One implementation of a function name; the first overload whose `when` accepts the call runs. */
export interface Overload {
  when?: (inv: Invocation) => boolean;
  run: Builtin;
}

export type FunctionTable = Record<string, Builtin | Overload[]>;

export type Lambda = (...args: unknown[]) => unknown;

const UNSET = Symbol('unset');
export const NO_RECEIVER = Symbol('no receiver');

export class Invocation {
  private readonly positional: Node[] = [];
  private readonly named = new Map<string, Node>();
  private readonly mappingArgs: Mapping[] = [];
  private readonly memo: unknown[] = [];
  readonly isMethod: boolean;

  constructor(
    readonly rt: Runtime,
    readonly scope: Scope,
    readonly name: string,
    args: readonly Arg[],
    private readonly receiver: unknown,
  ) {
    this.isMethod = receiver !== NO_RECEIVER;
    for (const a of args) {
      if (a.type !== 'mapping') this.positional.push(a);
      else {
        this.mappingArgs.push(a);
        if (a.key.type === 'keyword') this.named.set(a.key.name, a.value);
      }
    }
  }

  /** Number of positional arguments, the receiver included. */
  get count(): number {
    return this.positional.length + (this.isMethod ? 1 : 0);
  }

  /** Positional argument `i` (the receiver is 0), evaluated in the caller's scope. */
  value(i: number): unknown {
    const memo = this.memo[i] ?? UNSET;
    if (memo !== UNSET) return memo;
    let v: unknown;
    if (this.isMethod && i === 0) v = this.receiver;
    else {
      const node = this.node(i);
      v =
        node === undefined
          ? fail(`${this.name}() is missing argument ${i + 1}`)
          : this.rt.evaluate(node, this.scope);
    }
    this.memo[i] = v;
    return v;
  }

  /** Positional argument `i`, or the named argument `name`, or `fallback`. */
  option(i: number, name: string, fallback: unknown): unknown {
    if (i < this.count) return this.value(i);
    const node = this.named.get(name);
    return node === undefined ? fallback : this.rt.evaluate(node, this.scope);
  }

  /** Positional argument `i` as a function of per-element arguments (`$`, `$1`, `$2`...). */
  lambda(i: number): Lambda {
    const node = this.node(i);
    if (node === undefined) return fail(`${this.name}() is missing argument ${i + 1}`);
    return this.toLambda(node);
  }

  /** Like `lambda`, falling back to the named argument `name`; undefined when absent. */
  optionalLambda(i: number, name: string): Lambda | undefined {
    const node = i < this.count ? this.node(i) : this.named.get(name);
    return node === undefined ? undefined : this.toLambda(node);
  }

  /** All `key => value` arguments in order (dict(...), switch(...)), unevaluated. */
  mappings(): readonly Mapping[] {
    return this.mappingArgs;
  }

  /** Evaluates `node` in the caller's scope. */
  evaluate(node: Node): unknown {
    return this.rt.evaluate(node, this.scope);
  }

  /** Fails unless there are `min`..`max` positional arguments and only the given named ones. */
  arity(min: number, max: number, names: readonly string[] = []): void {
    const n = this.count;
    if (n < min || n > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      fail(`${this.name}() takes ${expected} argument(s) (receiver included), ${n} given`);
    }
    for (const a of this.mappingArgs) {
      if (a.key.type !== 'keyword' || !names.includes(a.key.name)) {
        const what = a.key.type === 'keyword' ? `'${a.key.name}'` : 'a mapping';
        fail(`${this.name}() got an unexpected named argument ${what}`);
      }
    }
  }

  /** The types of the evaluated positional arguments, for "no overload" messages. */
  describeArgs(): string {
    const types: string[] = [];
    for (let i = 0; i < this.count; i++) types.push(typeName(this.value(i)));
    return types.join(', ');
  }

  private node(i: number): Node | undefined {
    return this.positional[this.isMethod ? i - 1 : i];
  }

  private toLambda(node: Node): Lambda {
    return (...args: unknown[]) => this.rt.evaluate(node, new Scope(this.scope, args));
  }
}
