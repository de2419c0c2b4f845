/**
 * Step 2 of the pipeline, the mechanics: compiles `dsl/workflow-language.schema.json` once (lazily, on first use)
 * with ajv and validates plain data against it, or against one of its definitions (the one-line `retry` is checked
 * against `retryMapping` once its parameters are read). The schema file is the single statement of the language's
 * shapes, shipped so editors can use it too; turning ajv's errors into messages is `schema/messages.ts`' job.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { DocumentKind } from '../source/paths.js';

/** Where the schema file is, next to the compiled code too (`scripts/copy-assets.mjs` copies it). */
export const WORKFLOW_LANGUAGE_SCHEMA_URL = new URL('../workflow-language.schema.json', import.meta.url);

interface Compiled {
  document: ValidateFunction;
  actionsDocument: ValidateFunction;
  retryMapping: ValidateFunction;
}

let compiled: Compiled | undefined;

function compile(): Compiled {
  const schema = JSON.parse(readFileSync(WORKFLOW_LANGUAGE_SCHEMA_URL, 'utf8')) as { $id: string };
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
