/**
 * The model area's entry point: the records that the engine, the store, delivery and the API share, and the
 * listener rules that the language, delivery and the CLI all apply. It imports nothing but the SDK's wire
 * contract (which imports nothing), so every area can depend on it without creating a cycle.
 */
export type * from './execution.js';
export type * from './delivery.js';
export * from './listener-rules.js';
