/**
 * An ad-hoc action → AdHocActionSpec: a named call of a base action with prepared input. Parameters written
 * inline in `base:` are merged with `base-input`, `base-input` winning (the same rule as a task's `input` over its
 * inline parameters).
 */
import type { AdHocActionSpec } from '../spec.js';
import type { Path } from '../source/paths.js';
import { isRecord } from '../source/paths.js';
import type { NormaliseContext } from './context.js';
import type { QualifiedNames } from './values.js';
import { readCall, readInputParams, setIfDefined, stringList } from './values.js';

export function readAction(
  ctx: NormaliseContext,
  path: Path,
  names: QualifiedNames,
  raw: unknown,
): AdHocActionSpec {
  const body = isRecord(raw) ? raw : {};
  const base = typeof body['base'] === 'string' ? readCall(ctx, [...path, 'base'], body['base']) : undefined;
  const baseInput = isRecord(body['base-input']) ? body['base-input'] : {};
  ctx.exprDeep([...path, 'base-input'], baseInput);
  const spec: AdHocActionSpec = {
    name: names.name,
    shortName: names.shortName,
    tags: stringList(body['tags']),
    base: base?.name ?? '',
    baseInput: { ...base?.input, ...baseInput },
    input: readInputParams(ctx, [...path, 'input'], body['input']),
    pos: ctx.pos(path),
  };
  setIfDefined(spec, 'workbook', names.workbook);
  if (typeof body['description'] === 'string') spec.description = body['description'];
  if (body['output'] !== undefined) {
    spec.output = body['output'];
    ctx.exprDeep([...path, 'output'], body['output']);
  }
  return spec;
}
