/**
 * What the definition routes (workbooks, workflows, actions, environments) share: the wire resources, in-memory
 * listing and upload parsing.
 */
export * from './resources.js';
export * from './listing.js';
export * from './upload.js';
