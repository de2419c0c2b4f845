/**
 * Typed access to the parts of nunjucks 3.2.4 that its public API and `@types/nunjucks` do not cover: the
 * parser, node classes, compiler and transformer (so that we compile the very AST we checked and adjusted,
 * see `check.ts` and `truthiness.ts`), the runtime helpers compiled templates call, and `SafeString`.
 * Everything version-specific about nunjucks is confined to this file; the version is pinned in package.json.
 */
import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';

const require = createRequire(import.meta.url);

/** A nunjucks AST node: `typename` names the class, `fields` the child properties. */
export interface NjNode {
  readonly typename: string;
  readonly lineno: number;
  readonly colno: number;
  readonly fields: readonly string[];
  readonly [field: string]: unknown;
}

/** A node class; `extend` derives a class with its own `typename` (and so its own compile method). */
export interface NjNodeClass {
  new (lineno: number, colno: number, ...fields: unknown[]): NjNode;
  extend(name: string): NjNodeClass;
}

/** The code generator; `compile<Typename>` methods emit code for each node class. */
export interface NjCompiler {
  compile(node: unknown, frame?: unknown): void;
  getCode(): string;
  _emit(code: string): void;
}

export type CompileMethod = (this: NjCompiler, node: NjNode, frame: unknown) => void;

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

const internals = nunjucks as unknown as {
  parser: { parse(src: string, extensions: unknown[] | undefined, opts: object): NjNode };
  nodes: Record<string, NjNodeClass | undefined>;
  compiler: { Compiler: new (name: string, throwOnUndefined: boolean) => NjCompiler };
  runtime: NjRuntime & { SafeString: new (s: string) => object };
};
// The transformer is not re-exported by nunjucks' entry point.
const transformer = require('nunjucks/src/transformer.js') as {
  transform(ast: NjNode, asyncFilters: string[]): NjNode;
};

export const njParser = internals.parser;
export const njRuntime = internals.runtime;

export function nodeClass(name: string): NjNodeClass {
  const cls = internals.nodes[name];
  if (!cls) throw new Error(`nunjucks has no node class ${name}`);
  return cls;
}

/**
 * Compiles a parsed and checked AST into a template that runs with `runtime` instead of nunjucks' global one
 * (compiled code reaches every lookup, call and output through that parameter). `methods` adds compile
 * methods for our own node classes.
 */
export function compileTemplate(
  ast: NjNode,
  env: nunjucks.Environment,
  runtime: NjRuntime,
  methods: Readonly<Record<string, CompileMethod>>,
): nunjucks.Template {
  const compiler = new internals.compiler.Compiler('expression', false);
  Object.assign(compiler, methods);
  compiler.compile(transformer.transform(ast, []));
  // This is how nunjucks' own Template._compile loads generated code; ours comes from an AST we checked.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const props = new Function(compiler.getCode())() as { root: RootRender };
  const root: RootRender = (e, context, frame, _runtime, cb) => props.root(e, context, frame, runtime, cb);
  const code = { type: 'code', obj: { root } } as unknown as string;
  return new nunjucks.Template(code, env, 'expression', true);
}

export function isSafeString(v: unknown): boolean {
  return v instanceof njRuntime.SafeString;
}

/**
 * The fields of `node` that hold children. nunjucks leaves the body of a block `{% set x %}...{% endset %}` out
 * of Set's declared fields although it compiles it, so a walk over `fields` alone would skip the checks there.
 */
export function childFields(node: NjNode): readonly string[] {
  return node.typename === 'Set' && isNode(node.body) ? [...node.fields, 'body'] : node.fields;
}

/** Whether `v` is an AST node (for generic walks over `childFields`). */
export function isNode(v: unknown): v is NjNode {
  return typeof v === 'object' && v !== null && typeof (v as { typename?: unknown }).typename === 'string';
}
