/**
 * Step 2 of the pipeline, the words: turns ajv's errors into one clear, positioned message per problem.
 *
 * - A value of the wrong kind gets the `errorMessage` of the schema definition it failed ("task 't1': 'timeout'
 *   must be an integer ≥ 0 or an expression"), reported at the value.
 * - An unknown key is reported at the key, with the closest allowed key ("did you mean 'on-success'?").
 * - Missing keys of one mapping are grouped ("task 't1': 'retry' needs 'count' and 'delay'") at its key.
 * - The schema discriminates unions with if/then/else on the value's type, so there is no oneOf/anyOf cascade; for
 *   a union that does fail, only its own error is kept and the errors of its branches are dropped.
 */
import type { ErrorObject } from 'ajv';
import type { IssueSink } from '../issues.js';
import type { Path } from '../source/paths.js';
import { fromPointer, isRecord, valueAt } from '../source/paths.js';

export interface ReportOptions {
  /** Path of the validated data inside the document (for a fragment such as a parsed one-line retry). */
  base?: Path;
  /** Report every error at this path's value instead of at the offending node (the fragment has no nodes). */
  at?: Path;
}

/** "'a'", "'a' and 'b'", "'a', 'b' and 'c'". */
export function quoteList(items: readonly string[]): string {
  const q = items.map((i) => `'${i}'`);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

function isUnion(e: ErrorObject): boolean {
  return e.keyword === 'oneOf' || e.keyword === 'anyOf';
}

/** Whether `pointer` is one of `parents` or inside one: looked up prefix by prefix, not union by union. */
function withinAny(pointer: string, parents: ReadonlySet<string>): boolean {
  if (parents.size === 0) return false;
  for (let i = pointer.indexOf('/'); i !== -1; i = pointer.indexOf('/', i + 1)) {
    if (parents.has(pointer.slice(0, i))) return true;
  }
  return parents.has(pointer);
}

function schemaMessage(e: ErrorObject): string | undefined {
  const own = (e.parentSchema as { errorMessage?: unknown } | undefined)?.errorMessage;
  return typeof own === 'string' ? own : undefined;
}

/** Ajv's wording for the few keywords no definition words itself. */
function fallbackMessage(e: ErrorObject): string {
  if (e.keyword === 'type') return `must be of type ${String(e.params['type'])}`;
  if (e.keyword === 'enum') {
    const allowed = (e.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v));
    return `must be one of ${allowed.join(', ')}`;
  }
  return e.message ?? 'has an invalid value';
}

/** One message and where it goes: at the node of `path` (its key or its value). */
interface Located {
  path: Path;
  anchor: 'key' | 'value';
  message: string;
}

/** The message of one error (other than `required`, which is grouped), at the node it is about. */
function locate(e: ErrorObject, path: Path, subject: string, value: unknown, sink: IssueSink): Located {
  // A mapping or list of the wrong kind is pointed at by its key: its value starts on another line.
  const valueAnchor = isRecord(value) || Array.isArray(value) ? 'key' : 'value';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params['additionalProperty']);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return {
        path: [...path, key],
        anchor: 'key',
        message: `unknown key '${key}' in ${subject}${sink.didYouMean(key, known)}`,
      };
    }
    case 'propertyNames': {
      const name = String(e.params['propertyName']);
      const message = `${subject}: invalid name '${name}' (use letters, digits, '_' and '-')`;
      return { path: [...path, name], anchor: 'key', message };
    }
    case 'uniqueItems': {
      const [i, j] = [Number(e.params['i']), Number(e.params['j'])].sort((a, b) => a - b) as [number, number];
      return {
        path: [...path, j],
        anchor: 'value',
        message: `${subject} has the same item twice (items ${i + 1} and ${j + 1})`,
      };
    }
    case 'minProperties':
    case 'minItems':
      return { path, anchor: valueAnchor, message: `${subject} must not be empty` };
    case 'maxProperties':
      return { path, anchor: valueAnchor, message: `${subject} must be a mapping with a single key` };
    default:
      return { path, anchor: valueAnchor, message: `${subject} ${schemaMessage(e) ?? fallbackMessage(e)}` };
  }
}

export function reportSchemaErrors(
  errors: readonly ErrorObject[],
  data: unknown,
  sink: IssueSink,
  { base = [], at }: ReportOptions = {},
): void {
  // `if` errors only say which branch failed; `propertyName` errors are the inner half of a propertyNames error.
  let kept = errors.filter((e) => e.keyword !== 'if' && e.propertyName === undefined);
  const unions = new Set(kept.filter(isUnion).map((e) => e.instancePath));
  kept = kept.filter((e) => isUnion(e) || !withinAny(e.instancePath, unions));

  const found: Located[] = [];
  const missing = new Map<string, Located & { keys: string[] }>();
  for (const e of kept) {
    const rel = fromPointer(e.instancePath, data);
    const path = [...base, ...rel];
    if (e.keyword === 'required') {
      const group = missing.get(e.instancePath) ?? { path, anchor: 'key', message: '', keys: [] };
      group.keys.push(String(e.params['missingProperty']));
      missing.set(e.instancePath, group);
    } else {
      found.push(locate(e, path, sink.describe(path), valueAt(data, rel), sink));
    }
  }
  for (const group of missing.values())
    found.push({ ...group, message: `${sink.describe(group.path)} needs ${quoteList(group.keys)}` });
  for (const f of found) {
    if (at) sink.at(at, f.message, 'value');
    else sink.at(f.path, f.message, f.anchor);
  }
}
