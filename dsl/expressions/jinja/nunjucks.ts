/**
 * Typed access to the parts of nunjucks 3.2.4 that its public API and `@types/nunjucks` do not cover: the
 * parser (for syntax checks and AST inspection), the runtime helpers that compiled templates call, the
 * `SafeString` class, and the compiled root render function of a `Template`, which we wrap to hand it our own
 * runtime. Everything version-specific about nunjucks is confined to this file; the version is pinned in
 * package.json.
 */
import nunjucks from 'nunjucks';

/** A nunjucks AST node: `typename` names the class, `fields` the child properties. */
export interface NjNode {
  readonly typename: string;
  readonly lineno: number;
  readonly colno: number;
  readonly fields: readonly string[];
  readonly [field: string]: unknown;
}

/** The root render function of a compiled template. */
export type RootRender = (
  env: unknown,
  context: unknown,
  frame: unknown,
  runtime: unknown,
  cb: (err: unknown, out?: string) => void,
) => void;

/** The helpers compiled templates call through their `runtime` parameter. */
export interface NjRuntime {
  memberLookup(obj: unknown, key: unknown): unknown;
  contextOrFrameLookup(context: NjContext, frame: NjFrame, name: string): unknown;
  callWrap(obj: unknown, name: string, context: unknown, args: unknown[]): unknown;
  suppressValue(value: unknown, autoescape: boolean): unknown;
  fromIterator(value: unknown): unknown;
  [helper: string]: unknown;
}

export interface NjFrame {
  lookup(name: string): unknown;
}

export interface NjContext {
  ctx: Record<string, unknown>;
  env: { globals: Record<string, unknown> };
}

export const njParser = (nunjucks as unknown as { parser: unknown }).parser as {
  parse(src: string, extensions: unknown[] | undefined, opts: object): NjNode;
};

export const njRuntime = nunjucks.runtime as unknown as NjRuntime & { SafeString: new (s: string) => object };

/**
 * Compiles `source` and makes the template call `runtime` instead of nunjucks' global runtime: compiled code
 * reaches every member lookup, variable lookup, call and output through that parameter (see Template.render).
 */
export function compileWithRuntime(source: string, env: nunjucks.Environment, runtime: NjRuntime): nunjucks.Template {
  const template = new nunjucks.Template(source, env, 'expression', true);
  const compiled = template as unknown as { rootRenderFunc: RootRender };
  const root = compiled.rootRenderFunc;
  compiled.rootRenderFunc = (e, context, frame, _runtime, cb) => root(e, context, frame, runtime, cb);
  return template;
}

export function isSafeString(v: unknown): boolean {
  return v instanceof njRuntime.SafeString;
}

/** Whether `v` is an AST node (for generic walks over `fields`). */
export function isNode(v: unknown): v is NjNode {
  return typeof v === 'object' && v !== null && typeof (v as { typename?: unknown }).typename === 'string';
}
