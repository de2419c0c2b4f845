/**
 * What the definition routes (workbooks, workflows, actions, environments) share: the wire resources, in-memory
 * listing, upload parsing, document-kind checks and the standalone ad-hoc actions adapter.
 */
export * from './resources.js';
export * from './listing.js';
export * from './upload.js';
export { AdHocActions, type SaveActionsOptions } from './adhoc-actions.js';
