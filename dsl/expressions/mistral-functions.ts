/**
 * Mistral's own expression functions (`mistral/expressions/std_functions.py`), shared by YAQL and Jinja: the
 * context functions `task()`, `tasks()`, `execution()`, `env()` and `global()`, which ask the engine through the
 * `ExpressionHost`, and the helpers `uuid()`, `json_parse()`, `json_dump()`, `yaml_parse()` and `yaml_dump()`.
 * Each language adapts these to its calling convention (YAQL invocations, Jinja globals and filters).
 */
import { randomUUID } from 'node:crypto';
import YAML from 'yaml';
import { fail } from './failure.js';
import { jsonDumps } from './pystr.js';
import type { ExpressionHost } from './types.js';
import { toPlain, typeName } from './values.js';

function need(host: ExpressionHost | undefined, fn: string): ExpressionHost {
  return host ?? fail(`${fn}() is not available here: no workflow execution context`);
}

function optionalString(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : fail(`${what} must be a string, got ${typeName(v)}`);
}

/** Result of a host call; undefined (a host that found nothing) is null. */
function answer(v: unknown): unknown {
  return v === undefined ? null : v;
}

export const mistralFunctions = {
  task(host: ExpressionHost | undefined, name?: unknown): unknown {
    return answer(need(host, 'task').task(optionalString(name, 'task() name')));
  },
  tasks(host: ExpressionHost | undefined, args: readonly unknown[]): unknown {
    const [id, recursive, state, flat] = args;
    return answer(
      need(host, 'tasks').tasks(
        optionalString(id, 'tasks() workflow_execution_id'),
        recursive === undefined || recursive === null ? undefined : Boolean(recursive),
        optionalString(state, 'tasks() state'),
        flat === undefined || flat === null ? undefined : Boolean(flat),
      ),
    );
  },
  execution(host: ExpressionHost | undefined): unknown {
    return answer(need(host, 'execution').execution());
  },
  env(host: ExpressionHost | undefined): unknown {
    return answer(need(host, 'env').env());
  },
  global(host: ExpressionHost | undefined, name: unknown): unknown {
    const n = optionalString(name, 'global() name') ?? fail('global() needs a variable name');
    return answer(need(host, 'global').global(n));
  },
  uuid(): string {
    return randomUUID();
  },
  jsonParse(text: unknown): unknown {
    if (typeof text !== 'string') return fail(`json_parse() expects a string, got ${typeName(text)}`);
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      return fail(`json_parse(): ${(err as Error).message}`);
    }
  },
  jsonDump(value: unknown): string {
    return jsonDumps(value, { indent: 4 });
  },
  yamlParse(text: unknown): unknown {
    if (typeof text !== 'string') return fail(`yaml_parse() expects a string, got ${typeName(text)}`);
    try {
      return YAML.parse(text) as unknown;
    } catch (err) {
      return fail(`yaml_parse(): ${(err as Error).message}`);
    }
  },
  yamlDump(value: unknown): string {
    // PyYAML's safe_dump(default_flow_style=False): block style, keys sorted.
    return YAML.stringify(toPlain(value), { sortMapEntries: true });
  },
};
