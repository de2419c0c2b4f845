/**
 * PLACEHOLDER (replaced by the DSL work): the public entry point of the DSL area.
 */
export type * from './spec.js';
export * from './expressions/index.js';
