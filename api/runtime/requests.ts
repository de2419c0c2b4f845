/**
 * Reading requests the way Mistral's API does, but strictly: every query parameter and body field is checked,
 * and a bad one is refused with an `InvalidInputError` that names it (never a 500, never silently ignored).
 *
 * Query filters accept Mistral's `eq:` operator prefix (`state=eq:RUNNING`); the other operators of
 * `mistral/utils/filter_utils.py` (`neq:`, `in:`, `gt:`, ...) are refused by name.
 */
import type { Request } from 'express';
import { InvalidInputError } from '../../common/index.js';
import { queryParam, refuseUnknown, type Page } from '../paging.js';

const OPERATORS = ['neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'has'];

/** A path parameter (Express 5 types them loosely). */
export function pathParam(req: Request, name: string): string {
  const v = (req.params as Record<string, unknown>)[name];
  if (typeof v !== 'string' || v === '')
    throw new InvalidInputError(`missing path parameter '${name}'`, name);
  return v;
}

/** A query parameter as one string (the last when repeated, as Mistral reads them). */
export const queryValue = queryParam;

/** Refuses query parameters the route does not know, naming the first one (list routes: `readPage`). */
export function checkQuery(req: Request, allowed: readonly string[]): void {
  refuseUnknown(req, allowed);
}

/** Whether a list shows `output`: Mistral leaves it out unless `include_output=true` or `fields` names it. */
export function withOutput(req: Request, page: Page): boolean {
  return queryBool(req, 'include_output', false) || (page.fields?.includes('output') ?? false);
}

/** Python-style booleans as clients send them (`True`, `true`, `1`, `yes`; an empty value is false). */
export function queryBool(req: Request, name: string, fallback: boolean): boolean {
  const v = queryValue(req, name);
  if (v === undefined) return fallback;
  const s = v.toLowerCase();
  if (['true', '1', 'yes'].includes(s)) return true;
  if (['false', '0', 'no', ''].includes(s)) return false;
  throw new InvalidInputError(`query parameter '${name}' must be true or false`, name);
}

export function queryInt(req: Request, name: string, fallback: number): number {
  const v = queryValue(req, name);
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidInputError(`query parameter '${name}' must be an integer`, name);
  return n;
}

/** An equality filter, with Mistral's optional `eq:` prefix. */
export function filterValue(req: Request, name: string): string | undefined {
  const v = queryValue(req, name);
  if (v === undefined || v === '') return undefined;
  const m = /^([a-z]+):(.*)$/s.exec(v);
  if (m?.[1] === 'eq') return m[2];
  if (m && OPERATORS.includes(m[1] as string)) {
    throw new InvalidInputError(`filter '${name}': only equality ('eq:') is supported, not '${m[1]}:'`, name);
  }
  return v;
}

/** An equality filter on a state, checked against the states that exist. */
export function stateFilter<S extends string>(req: Request, states: readonly S[]): S | undefined {
  const v = filterValue(req, 'state');
  if (v === undefined) return undefined;
  if (!(states as readonly string[]).includes(v)) {
    throw new InvalidInputError(`filter 'state' must be one of ${states.join(', ')}`, 'state');
  }
  return v as S;
}

/** The JSON body as an object, refusing anything else (a JSON array, a string, a YAML upload, nothing). */
export function bodyObject(req: Request): Record<string, unknown> {
  return objectBody(req.body);
}

/** `bodyObject` of a body already read. */
export function objectBody(b: unknown): Record<string, unknown> {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) {
    throw new InvalidInputError(
      'request body must be a JSON object (Content-Type: application/json)',
      'body',
    );
  }
  return b as Record<string, unknown>;
}

/** Refuses body fields outside `allowed`, naming the first one (Mistral's WSME refuses unknown attributes too). */
export function checkFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) throw new InvalidInputError(`unknown field '${k}'`, k);
  }
}

/** An optional boolean body field. */
export function optionalBool(body: Record<string, unknown>, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new InvalidInputError(`'${field}' must be a boolean`, field);
  return v;
}

/** An optional body field restricted to a set of string values. */
export function optionalEnum<S extends string>(
  body: Record<string, unknown>,
  field: string,
  values: readonly S[],
): S | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw new InvalidInputError(`'${field}' must be one of ${values.join(', ')}`, field);
  }
  return v as S;
}
