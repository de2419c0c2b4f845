/**
 * Normalisers for the small value shapes used in several places: inline calls (`action:`, `base:`, hooks),
 * input declarations (`- name` / `- name: default`), `publish` mappings with or without `branch`/`global`, and
 * lists written as a single string (`requires: a` is `requires: [a]`).
 */
import type { Expr, InputParam } from '../spec.js';
import type { Path } from '../source/paths.js';
import { isRecord } from '../source/paths.js';
import type { Anchor } from '../source/yaml-source.js';
import { isExpression } from '../syntax/expr-scan.js';
import type { InlineCallSyntax } from '../syntax/inline-call.js';
import { paramsToInput, scanInlineCall } from '../syntax/inline-call.js';
import type { NormaliseContext } from './context.js';

/** How a workflow or ad-hoc action is named: qualified (`wb.name`) inside a workbook, as written otherwise. */
export interface QualifiedNames {
  name: string;
  shortName: string;
  workbook?: string;
}

export interface Call {
  name: string;
  input: Record<string, Expr>;
  syntax: InlineCallSyntax;
}

/**
 * An inline call written in the string at `path` (`std.echo output="x"`): its problems are reported, its
 * parameters and computed name registered for the expression check.
 */
export function readCall(ctx: NormaliseContext, path: Path, text: string, anchor: Anchor = 'value'): Call {
  const syntax = scanInlineCall(text);
  ctx.scanIssues(path, syntax.issues, 0, anchor);
  if (isExpression(syntax.name)) ctx.expr(path, syntax.name, syntax.nameOffset, anchor);
  for (const p of syntax.params) ctx.expr(path, p.raw, p.offset, anchor);
  return { name: syntax.name, input: paramsToInput(syntax.params), syntax };
}

/** `input:` of a workflow or ad-hoc action: names, each with an optional default. */
export function readInputParams(ctx: NormaliseContext, path: Path, raw: unknown): InputParam[] {
  if (!Array.isArray(raw)) return [];
  const out: InputParam[] = [];
  raw.forEach((item: unknown, i) => {
    let param: InputParam | undefined;
    if (typeof item === 'string') {
      param = { name: item, hasDefault: false };
    } else if (isRecord(item)) {
      const [entry] = Object.entries(item);
      if (entry) {
        param = { name: entry[0], hasDefault: true, default: entry[1] };
        ctx.exprDeep([...path, i, entry[0]], entry[1]);
      }
    }
    if (!param) return;
    if (out.some((p) => p.name === param.name)) {
      ctx.sink.at([...path, i], `${ctx.sink.describe(path)}: '${param.name}' is declared twice`, 'value');
    } else {
      out.push(param);
    }
  });
  return out;
}

export interface Published {
  branch?: Record<string, Expr>;
  global?: Record<string, Expr>;
}

/**
 * A `publish` mapping: plain variables (branch scope) or, with `scoped` (the advanced form of an on-* clause),
 * `{branch: {...}, global: {...}}`. It is the scoped form only when every key is `branch` or `global` and every
 * value a mapping, so a variable that happens to be called `global` with a scalar value stays a variable. A task's
 * own `publish` is never scoped: Mistral 15 publishes `branch` and `global` there as variables of those names.
 */
export function readPublish(ctx: NormaliseContext, path: Path, raw: unknown, scoped = true): Published {
  if (!isRecord(raw)) return {};
  ctx.exprDeep(path, raw);
  if (!scoped) return { branch: raw };
  const keys = Object.keys(raw);
  if (!(keys.length > 0 && keys.every((k) => (k === 'branch' || k === 'global') && isRecord(raw[k]))))
    return { branch: raw };
  const out: Published = {};
  if (isRecord(raw['branch'])) out.branch = raw['branch'];
  if (isRecord(raw['global'])) out.global = raw['global'];
  return out;
}

/** `a` or `[a, b]` as a list of strings (other items, already reported by the schema, are dropped). */
export function stringList(raw: unknown): string[] {
  if (typeof raw === 'string') return [raw];
  return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
}

/** Sets `key` on `target` only when the value is present, so that optional spec fields stay absent. */
export function setIfDefined<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}
