/**
 * The uploads area's public entry point: the upload use case of workbooks and workflows documents (parse once,
 * check, save with its listeners in one transaction), between the API routes and the engine and delivery areas.
 */
export { DefinitionUploads, belongsToWorkbook, type UploadOptions } from './uploads.js';
export { UPLOAD_FILE, type UploadKind } from './documents.js';
