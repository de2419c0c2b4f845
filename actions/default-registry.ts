/** The registry an engine starts from: every `std.*` action, ready for custom ones to be added. */

import { ActionRegistry } from './registry.js';
import { createStdActions } from './std/index.js';
import type { StdActionOptions } from './std/index.js';

export function createDefaultRegistry(options: StdActionOptions = {}): ActionRegistry {
  const registry = new ActionRegistry();
  for (const def of createStdActions(options)) registry.register(def);
  return registry;
}
