/** The API area's entry point: the server lifecycle and the Express app (for tests). */
export { startServer, type RunningServer } from './server.js';
export { createApp } from './app.js';
export type { ApiContext } from './context.js';
export { openApiDocument } from './openapi/index.js';
