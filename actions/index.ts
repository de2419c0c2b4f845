/**
 * The action library's public entry point: the registry, the typed `defineAction` helper for custom TypeScript
 * actions, the standard `std.*` actions and the contract types. Other areas import only this file.
 */

export { ActionRegistry } from './registry.js';
export type { RegisterOptions } from './registry.js';
export { defineAction } from './define.js';
export type { ActionSpec, ParamDecl } from './define.js';
export { createDefaultRegistry, createActionRegistry } from './default-registry.js';
export { registerActionPacks, ActionPackError } from './packs.js';
export { createConfiguredRegistry } from './from-config.js';
export type { ActionSettings } from './from-config.js';
export type { PackApi } from './packs.js';
export { runAction, failureOf } from './run.js';
export { ActionNotFoundError, DuplicateActionError } from './errors.js';
export {
  createStdActions,
  DEFAULT_HTTP_OPTIONS,
  DEFAULT_SCRIPT_TIMEOUT_SECONDS,
  FAIL_ACTION_MESSAGE,
  DEFAULT_SSH_OPTIONS,
  DEFAULT_EMAIL_OPTIONS,
} from './std/index.js';
export type {
  StdActionOptions,
  HttpClientOptions,
  HttpResult,
  SshOptions,
  EmailOptions,
  EgressPolicy,
} from './std/index.js';
export type * from './types.js';
