/**
 * The table of actions a task may name, and the gate their input passes through. The engine resolves a task's
 * `action:` here, then calls `prepareInput` with the evaluated task input: declared defaults are filled in, and
 * unknown or missing parameters are refused before the action runs, as Mistral does ("Invalid input [name=...,
 * class=..., unexpected=[...]]").
 *
 * Lifecycle: built once at start-up (`createDefaultRegistry()` plus custom registrations), read concurrently by
 * every execution, and closed once at shutdown so actions can release their sockets.
 */

import { InvalidInputError } from '../common/errors.js';
import { ActionNotFoundError, DuplicateActionError } from './errors.js';
import type { ActionDefinition } from './types.js';

export interface RegisterOptions {
  /** Replace an action registered under the same name instead of refusing it. @default false */
  replace?: boolean;
}

export class ActionRegistry {
  private readonly actions = new Map<string, ActionDefinition>();

  register(def: ActionDefinition, options: RegisterOptions = {}): this {
    if (this.actions.has(def.name) && options.replace !== true) throw new DuplicateActionError(def.name);
    this.actions.set(def.name, def);
    return this;
  }

  get(name: string): ActionDefinition | undefined {
    return this.actions.get(name);
  }

  /** Like `get`, for callers that cannot go on without the action. */
  require(name: string): ActionDefinition {
    const def = this.actions.get(name);
    if (!def) throw new ActionNotFoundError(name);
    return def;
  }

  has(name: string): boolean {
    return this.actions.has(name);
  }

  /** Every registered action, sorted by name (what `GET /v2/actions` lists). */
  list(): ActionDefinition[] {
    return [...this.actions.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Checks `input` against the action's declared parameters and returns a new object with the defaults applied.
   * A key whose value is `undefined` counts as absent (so it takes its default), matching how YAML input arrives.
   * @throws ActionNotFoundError when no action has that name.
   * @throws InvalidInputError naming the unexpected and missing parameters, all of them at once.
   */
  prepareInput(name: string, input: Record<string, unknown> | null | undefined): Record<string, unknown> {
    const def = this.require(name);
    const given = input ?? {};
    const declared = new Set(def.input.map((p) => p.name));
    const unexpected = Object.keys(given).filter((k) => !declared.has(k) && given[k] !== undefined);
    const missing: string[] = [];
    const out: Record<string, unknown> = {};
    for (const param of def.input) {
      const value = given[param.name];
      if (value !== undefined) out[param.name] = value;
      else if (param.hasDefault) out[param.name] = copyDefault(param.default);
      else missing.push(param.name);
    }
    if (unexpected.length > 0 || missing.length > 0) {
      throw new InvalidInputError(describeProblem(def, unexpected, missing), unexpected[0] ?? missing[0]);
    }
    return out;
  }

  /** Lets every action release what it holds (keep-alive sockets). Safe to call more than once. */
  async close(): Promise<void> {
    // Several definitions may share one resource (std.http and std.mistral_http share a client): each close()
    // is idempotent, so calling them all is enough; allSettled so one failure does not strand the others.
    await Promise.allSettled([...this.actions.values()].map(async (def) => def.close?.()));
  }
}

/** Defaults are shared by every run: a mutable default (a list, a mapping) must not leak between runs. */
function copyDefault(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}

function describeProblem(def: ActionDefinition, unexpected: string[], missing: string[]): string {
  const parts: string[] = [];
  if (unexpected.length > 0) parts.push(`unexpected parameter(s) ${unexpected.join(', ')}`);
  if (missing.length > 0) parts.push(`missing required parameter(s) ${missing.join(', ')}`);
  const accepted = def.input.length > 0 ? def.input.map(formatParam).join(', ') : 'none';
  return `Invalid input for action ${def.name}: ${parts.join('; ')} (accepted: ${accepted})`;
}

function formatParam(p: { name: string; hasDefault: boolean }): string {
  return p.hasDefault ? `${p.name}?` : p.name;
}
