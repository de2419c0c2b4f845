/**
 * Step 2 of the pipeline, the mechanics: compiles `dsl/workflow-language.schema.json` once (lazily, on first use)
 * with ajv and validates plain data against it, or against one of its definitions (the one-line `retry` is checked
 * against `retryMapping` once its parameters are read). The schema file is the single statement of the language's
 * shapes, shipped so editors can use it too; turning ajv's errors into messages is `schema/messages.ts`' job.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject, SchemaValidateFunction, ValidateFunction } from 'ajv';
import type { DocumentKind } from '../source/paths.js';

/** Where the schema file is, next to the compiled code too (`scripts/copy-assets.mjs` copies it). */
export const WORKFLOW_LANGUAGE_SCHEMA_URL = new URL('../workflow-language.schema.json', import.meta.url);

interface Compiled {
  document: ValidateFunction;
  actionsDocument: ValidateFunction;
  retryMapping: ValidateFunction;
}

let compiled: Compiled | undefined;

/**
 * ajv adds the errors of a definition it calls (a `$ref` it does not inline) by copying every error found so far
 * in the same function (`vErrors.concat`): a mapping of 40,000 tasks that each have an error cost 40,000²/2
 * copies (5 s; minutes for more). The entries of a mapping or list whose schema is one `$ref`
 * (`additionalProperties` / `items`) are therefore checked by the `eachRef` keyword, which gathers their errors in
 * one array, added once. The schema file keeps the standard keywords, for editors; this is done when compiling.
 */
type DataCxt = NonNullable<Parameters<SchemaValidateFunction>[3]>;

interface EachRef {
  ref: string;
  /** `properties`: the keys not listed in the schema's `properties` (what `additionalProperties` checks). */
  of: 'properties' | 'items';
}

/** A copy of `schema` with `eachRef` in place of each `additionalProperties` / `items` that is only a `$ref`. */
function batchRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(batchRefs);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    const ref = (key === 'additionalProperties' || key === 'items') && refOnly(value);
    if (ref) out['eachRef'] = { ref, of: key === 'items' ? 'items' : 'properties' } satisfies EachRef;
    else out[key] = batchRefs(value);
  }
  return out;
}

/** The target of a schema that is a `$ref` (with at most a description beside it). */
function refOnly(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
  const { $ref, description, ...rest } = schema as Record<string, unknown>;
  void description;
  return typeof $ref === 'string' && Object.keys(rest).length === 0 ? $ref : undefined;
}

/** `eachRef`: validates each entry with the referenced definition's own function, as `$ref` would. */
function eachRef(resolve: (ref: string) => ValidateFunction): SchemaValidateFunction {
  const validate: SchemaValidateFunction = (schema, data, parentSchema, cxt) => {
    const { ref, of } = schema as EachRef;
    const fn = resolve(ref);
    const errors: ErrorObject[] = [];
    const check = (value: unknown, key: string | number): void => {
      const at: DataCxt = {
        instancePath: `${cxt?.instancePath ?? ''}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`,
        parentData: data as DataCxt['parentData'],
        parentDataProperty: key,
        rootData: cxt?.rootData ?? data,
        dynamicAnchors: cxt?.dynamicAnchors ?? {},
      };
      if (!fn(value, at)) for (const e of fn.errors ?? []) errors.push(e);
    };
    if (of === 'items' && Array.isArray(data)) data.forEach((v, i) => check(v, i));
    if (of === 'properties' && typeof data === 'object' && data !== null && !Array.isArray(data)) {
      const listed = (parentSchema?.['properties'] ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(data)) if (!Object.hasOwn(listed, k)) check(v, k);
    }
    validate.errors = errors;
    return errors.length === 0;
  };
  return validate;
}

function compile(): Compiled {
  const schema = batchRefs(JSON.parse(readFileSync(WORKFLOW_LANGUAGE_SCHEMA_URL, 'utf8'))) as { $id: string };
  // verbose: errors carry their parentSchema, which is where the `errorMessage` of a definition is read from.
  // strictRequired is off: the document-kind test lists `required` keys in subschemas of `anyOf`, by design.
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
  });
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  ajv.addKeyword({
    keyword: 'eachRef',
    schemaType: 'object',
    errors: true,
    validate: eachRef((ref) => get(schema.$id + ref)),
  });
  ajv.addSchema(schema);
  const get = (ref: string): ValidateFunction => {
    const fn = ajv.getSchema(ref);
    if (!fn) throw new Error(`workflow language schema: ${ref} not found`);
    return fn;
  };
  return {
    document: get(schema.$id),
    actionsDocument: get(`${schema.$id}#/definitions/actionsDocument`),
    retryMapping: get(`${schema.$id}#/definitions/retryMapping`),
  };
}

function run(which: keyof Compiled, data: unknown): ErrorObject[] {
  compiled ??= compile();
  const fn = compiled[which];
  return fn(data) ? [] : [...(fn.errors ?? [])];
}

/** Schema errors of a whole document (empty when its shape is valid). */
export function schemaErrors(data: unknown, kind: DocumentKind): ErrorObject[] {
  return run(kind === 'actions' ? 'actionsDocument' : 'document', data);
}

/** Schema errors of a retry policy given as a mapping (used for the one-line form once it is parsed). */
export function retryMappingErrors(data: unknown): ErrorObject[] {
  return run('retryMapping', data);
}
