/**
 * Checks given input against declared parameters (workflow input, ad-hoc action input): defaults are applied,
 * unknown and missing parameters are refused with Mistral's wording, naming them.
 */
import { InvalidInputError } from '../../common/index.js';
import type { InputParam } from '../../dsl/index.js';

export function applyInputParams(
  params: InputParam[],
  given: Record<string, unknown>,
  what: string,
): Record<string, unknown> {
  const declared = new Set(params.map((p) => p.name));
  const unexpected = Object.keys(given).filter((k) => !declared.has(k));
  const missing = params.filter((p) => !p.hasDefault && !(p.name in given)).map((p) => p.name);
  if (unexpected.length || missing.length) {
    const parts = [`name=${what}`];
    if (missing.length) parts.push(`missing=[${missing.join(', ')}]`);
    if (unexpected.length) parts.push(`unexpected=[${unexpected.join(', ')}]`);
    throw new InvalidInputError(`Invalid input [${parts.join(', ')}]`, missing[0] ?? unexpected[0]);
  }
  const out: Record<string, unknown> = {};
  for (const p of params) out[p.name] = p.name in given ? given[p.name] : structuredClone(p.default ?? null);
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
