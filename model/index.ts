/**
 * The model area's entry point: the records that the engine, the store, delivery and the API share. It imports
 * nothing, so every area can depend on it without creating a cycle.
 */
export type * from './execution.js';
export type * from './delivery.js';
