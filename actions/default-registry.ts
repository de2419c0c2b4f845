/**
 * The registries an engine starts from: every `std.*` action, ready for custom ones to be added
 * (`createDefaultRegistry`), and the server's, which adds the operator's action packs (`createActionRegistry`).
 */

import { registerActionPacks } from './packs.js';
import { ActionRegistry } from './registry.js';
import { createStdActions } from './std/index.js';
import type { StdActionOptions } from './std/index.js';

export function createDefaultRegistry(options: StdActionOptions = {}): ActionRegistry {
  const registry = new ActionRegistry();
  for (const def of createStdActions(options)) registry.register(def);
  return registry;
}

/**
 * The standard actions plus the actions of each pack, in order.
 * @throws ActionPackError naming the first pack that does not load (nothing is left open).
 */
export async function createActionRegistry(
  std: StdActionOptions,
  packs: readonly string[],
): Promise<ActionRegistry> {
  const registry = createDefaultRegistry(std);
  try {
    await registerActionPacks(registry, packs);
  } catch (err) {
    await registry.close();
    throw err;
  }
  return registry;
}
