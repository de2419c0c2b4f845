/**
 * The policies a task and `task-defaults` share: `retry` (a mapping or the one line `count=3 delay=1
 * break-on=<% ... %>`), `wait-before`, `wait-after`, `timeout`, `pause-before`, `concurrency`, `fail-on` and
 * `safe-rerun`. Values stay as written (an integer, a boolean or an expression); the engine evaluates them.
 */
import { reportSchemaErrors } from '../schema/messages.js';
import { retryMappingErrors } from '../schema/validator.js';
import type { Expr, RetrySpec, TaskDefaultsSpec } from '../spec.js';
import type { Path } from '../source/paths.js';
import { isRecord } from '../source/paths.js';
import type { ScanIssue } from '../syntax/expr-scan.js';
import { paramsToInput, scanParams } from '../syntax/inline-call.js';
import type { NormaliseContext } from './context.js';
import { setIfDefined } from './values.js';

export type PolicySpec = Pick<
  TaskDefaultsSpec,
  'retry' | 'waitBefore' | 'waitAfter' | 'timeout' | 'pauseBefore' | 'concurrency' | 'failOn' | 'safeRerun'
>;

/** YAML key → spec field, for the policies that are kept as written. */
const PLAIN_POLICIES: readonly [string, Exclude<keyof PolicySpec, 'retry'>][] = [
  ['wait-before', 'waitBefore'],
  ['wait-after', 'waitAfter'],
  ['timeout', 'timeout'],
  ['pause-before', 'pauseBefore'],
  ['concurrency', 'concurrency'],
  ['fail-on', 'failOn'],
  ['safe-rerun', 'safeRerun'],
];

export function readPolicies(ctx: NormaliseContext, path: Path, raw: Record<string, unknown>): PolicySpec {
  const out: PolicySpec = {};
  for (const [key, field] of PLAIN_POLICIES) {
    const value = raw[key];
    if (value === undefined) continue;
    ctx.exprDeep([...path, key], value);
    out[field] = value;
  }
  setIfDefined(out, 'retry', readRetry(ctx, [...path, 'retry'], raw['retry']));
  return out;
}

export function readRetry(ctx: NormaliseContext, path: Path, raw: unknown): RetrySpec | undefined {
  if (typeof raw === 'string') return readRetryLine(ctx, path, raw);
  if (!isRecord(raw)) return undefined;
  ctx.exprDeep(path, raw);
  return toRetrySpec(raw);
}

/** `count=10 delay=5 break-on=<% ... %>`: read as parameters, then held to the same schema as the mapping. */
function readRetryLine(ctx: NormaliseContext, path: Path, line: string): RetrySpec | undefined {
  const issues: ScanIssue[] = [];
  const params = scanParams(line, 0, line.length, false, issues);
  ctx.scanIssues(path, issues);
  for (const p of params) ctx.expr(path, p.raw, p.offset);
  const mapping = paramsToInput(params);
  reportSchemaErrors(retryMappingErrors(mapping), mapping, ctx.sink, { base: path, at: path });
  return toRetrySpec(mapping);
}

function toRetrySpec(raw: Record<string, Expr>): RetrySpec | undefined {
  if (raw['count'] === undefined || raw['delay'] === undefined) return undefined;
  const spec: RetrySpec = { count: raw['count'], delay: raw['delay'] };
  setIfDefined(spec, 'breakOn', raw['break-on']);
  setIfDefined(spec, 'continueOn', raw['continue-on']);
  return spec;
}
