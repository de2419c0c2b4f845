/**
 * YAQL adapters for Mistral's functions (`mistral-functions.ts`). `task(first)` with a bare name works because
 * a bare identifier is a string in YAQL.
 */
import { mistralFunctions as m } from '../../mistral-functions.js';
import type { FunctionTable, Invocation } from '../invocation.js';

function args(inv: Invocation): unknown[] {
  return Array.from({ length: inv.count }, (_, i) => inv.value(i));
}

export const mistralYaqlFunctions: FunctionTable = {
  task: (inv) => {
    inv.arity(0, 1);
    return m.task(inv.rt.host, inv.count > 0 ? inv.value(0) : undefined);
  },
  tasks: (inv) => {
    inv.arity(0, 4);
    return m.tasks(inv.rt.host, args(inv));
  },
  execution: (inv) => {
    inv.arity(0, 0);
    return m.execution(inv.rt.host);
  },
  env: (inv) => {
    inv.arity(0, 0);
    return m.env(inv.rt.host);
  },
  global: (inv) => {
    inv.arity(1, 1);
    return m.global(inv.rt.host, inv.value(0));
  },
  uuid: (inv) => {
    inv.arity(0, 0);
    return m.uuid();
  },
  json_parse: (inv) => {
    inv.arity(1, 1);
    return m.jsonParse(inv.value(0));
  },
  json_dump: (inv) => {
    inv.arity(1, 1);
    return m.jsonDump(inv.value(0));
  },
  yaml_parse: (inv) => {
    inv.arity(1, 1);
    return m.yamlParse(inv.value(0));
  },
  yaml_dump: (inv) => {
    inv.arity(1, 1);
    return m.yamlDump(inv.value(0));
  },
};
