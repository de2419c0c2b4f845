/** PLACEHOLDER (replaced by the actions work): the public entry point of the action library. */
export type * from './types.js';
