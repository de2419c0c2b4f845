/**
 * Action packs: JavaScript modules of custom actions that `tram serve --actions FILE` (or `TRAM_ACTIONS`) loads
 * at start-up, so that a deployment brings its own actions (TripleO's `tripleo.*`, a site's `acme.*`) without
 * forking the server. Their actions are listed by `GET /v2/actions` and run like `std.*`.
 *
 * A pack exports, as its default export or as named exports, any of:
 * - (default export only) a function `({defineAction}) => action | action[]`, sync or async: the pack needs no
 *   import of ours, so it can live anywhere on disk;
 * - an action made with `defineAction` (or any object of the `ActionDefinition` shape), or an array of them.
 *
 * A pack that does not load (missing file, syntax error, a throwing factory, no actions, a malformed action, a
 * name already taken) stops start-up with an `ActionPackError` naming the file. At run time each pack action is
 * guarded: whatever it throws, a value that is not an outcome, or a result that is not JSON data (a BigInt, a
 * cycle), fails its task with a message; the server goes on.
 */

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TramError, toError } from '../common/errors.js';
import { defineAction } from './define.js';
import type { ActionRegistry } from './registry.js';
import type { ActionContext, ActionDefinition, ActionOutcome } from './types.js';

/** What a pack's factory function receives. */
export interface PackApi {
  defineAction: typeof defineAction;
}

/** A pack that could not be loaded; the message names the file. */
export class ActionPackError extends TramError {
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('CONFIG', `cannot load action pack ${file}: ${reason}`, options);
  }
}

/**
 * Loads each pack (paths relative to the working directory) and registers its actions, in order.
 * @returns the names registered per file.
 * @throws ActionPackError for the first pack that does not load.
 */
export async function registerActionPacks(
  registry: ActionRegistry,
  files: readonly string[],
): Promise<Map<string, string[]>> {
  const loaded = new Map<string, string[]>();
  for (const file of files) {
    const defs = await loadPack(file);
    for (const def of defs) {
      if (registry.has(def.name)) throw new ActionPackError(file, `action ${def.name} is already registered`);
      registry.register(guarded(def));
    }
    loaded.set(
      file,
      defs.map((d) => d.name),
    );
  }
  return loaded;
}

async function loadPack(file: string): Promise<ActionDefinition[]> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ActionPackError(file, toError(err).message, { cause: err });
  }
  const found: unknown[] = [];
  // Only the default export may be a factory: a named function may be a helper, never called here.
  if (typeof mod.default === 'function') {
    try {
      found.push(await (mod.default as (api: PackApi) => unknown)({ defineAction }));
    } catch (err) {
      throw new ActionPackError(file, `its default export threw: ${toError(err).message}`, { cause: err });
    }
  } else found.push(mod.default);
  for (const [key, value] of Object.entries(mod))
    if (key !== 'default' && typeof value !== 'function') found.push(value);
  // The same action exported twice (as a default list and by name) counts once.
  const defs = [...new Set(found.flat())].filter((v) => v !== undefined && v !== null && !isPlainData(v));
  if (defs.length === 0)
    throw new ActionPackError(file, 'it exports no action (export actions made with defineAction)');
  const names = new Set<string>();
  return defs.map((d, i) => {
    const problem = shapeProblem(d);
    if (problem) throw new ActionPackError(file, `export #${i + 1} is not an action: ${problem}`);
    const def = d as ActionDefinition;
    if (names.has(def.name)) throw new ActionPackError(file, `action ${def.name} is defined twice`);
    names.add(def.name);
    return def;
  });
}

/** Constants a pack exports next to its actions (a version string, a table) are not actions. */
function isPlainData(value: unknown): boolean {
  return typeof value !== 'object' || (value !== null && !('run' in value) && !('name' in value));
}

function shapeProblem(value: unknown): string | undefined {
  const d = value as Partial<ActionDefinition>;
  if (typeof d.name !== 'string' || d.name.trim() === '') return 'it has no name';
  if (!/^[\w.-]+$/.test(d.name))
    return `its name ${JSON.stringify(d.name)} has characters other than letters, digits, _ . -`;
  if (typeof d.run !== 'function') return `${d.name} has no run function`;
  if (!Array.isArray(d.input)) return `${d.name} has no input list (make it with defineAction)`;
  const bad = d.input.find((p) => typeof (p as { name?: unknown } | null)?.name !== 'string');
  if (bad !== undefined) return `${d.name} has a malformed input parameter`;
  return undefined;
}

/** The action with its result checked: a pack's mistake fails its task, with a message, never the server. */
function guarded(def: ActionDefinition): ActionDefinition {
  const check = (outcome: unknown): ActionOutcome => {
    if (isOutcome(outcome)) {
      const problem =
        'data' in outcome ? notJson(outcome.data) : 'error' in outcome ? notJson(outcome.error) : null;
      return problem === null
        ? outcome
        : { ok: false, error: `action ${def.name} returned a value that is not JSON data: ${problem}` };
    }
    return {
      ok: false,
      error: `action ${def.name} returned ${describe(outcome)} instead of an outcome ({ok: true, data}, {ok: false, error} or {async: true})`,
    };
  };
  return {
    ...def,
    run(input: Record<string, unknown>, ctx: ActionContext) {
      const out: unknown = def.run(input, ctx);
      return typeof (out as { then?: unknown } | null)?.then === 'function'
        ? Promise.resolve(out).then(check)
        : check(out);
    },
  };
}

/** Why a value cannot be stored as a result (a BigInt, a cycle), or null when it can. */
function notJson(value: unknown): string | null {
  try {
    JSON.stringify(value);
    return null;
  } catch (err) {
    return toError(err).message;
  }
}

function isOutcome(value: unknown): value is ActionOutcome {
  if (value === null || typeof value !== 'object') return false;
  const o = value as Record<string, unknown>;
  return (o.ok === true && 'data' in o) || (o.ok === false && 'error' in o) || o.async === true;
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 80)}...` : text;
  } catch {
    return typeof value;
  }
}
