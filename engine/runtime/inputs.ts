/**
 * Checks given input against declared parameters (workflow input, ad-hoc action input): defaults are applied,
 * unknown and missing parameters are refused with Mistral's wording, naming them.
 */
import { InvalidInputError } from '../../common/index.js';
import { pyRepr, type InputParam } from '../../dsl/index.js';

/**
 * `cls` is the kind of definition as Mistral names it (`DirectWorkflowSpec`); with it the message is Mistral's
 * exactly (`Invalid input [name=wf, class=DirectWorkflowSpec, missing=['x']]`).
 */
export function applyInputParams(
  params: InputParam[],
  given: Record<string, unknown>,
  what: string,
  cls?: string,
): Record<string, unknown> {
  const declared = new Set(params.map((p) => p.name));
  const unexpected = Object.keys(given).filter((k) => !declared.has(k));
  const missing = params.filter((p) => !p.hasDefault && !(p.name in given)).map((p) => p.name);
  if (unexpected.length || missing.length) {
    const list = (names: string[]) => (cls ? pyRepr(names) : `[${names.join(', ')}]`);
    const parts = [`name=${what}`];
    if (cls) parts.push(`class=${cls}`);
    if (missing.length) parts.push(`missing=${list(missing)}`);
    if (unexpected.length) parts.push(`unexpected=${list(unexpected)}`);
    throw new InvalidInputError(`Invalid input [${parts.join(', ')}]`, missing[0] ?? unexpected[0]);
  }
  const out: Record<string, unknown> = {};
  for (const p of params) out[p.name] = p.name in given ? given[p.name] : structuredClone(p.default ?? null);
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
