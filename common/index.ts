/** Shared building blocks: typed errors, ids and time. Imported by every other area. */
export * from './errors.js';
export * from './time.js';
export * from './ids.js';
export * from './bounds.js';
export { packageRoot } from './package-root.js';
