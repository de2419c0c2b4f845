/**
 * The CLI's client of the REST API: HTTP with one-line errors, Mistral's resources and wire format, human and
 * JSON output, and following an execution live. Commands in `cli/commands/` import only this file.
 */
export { ClientError, isHttpStatus, type ClientErrorCode } from './errors.js';
export { HttpClient, normaliseBaseUrl, type HttpClientOptions } from './http.js';
export { TramApi, type CompletionState, type EnvironmentDocument } from './api.js';
export * from './wire.js';
export { Output } from './output.js';
export { renderTable, renderDetail, type Column } from './table.js';
export type { ExecutionEventSource, StateChange } from './events.js';
export { PollingEventSource, DEFAULT_POLL_INTERVAL_MS } from './polling-source.js';
export { WatchModel, progressBar, statusLine, eventLine } from './watch-model.js';
export { viewFor, TtyView, PlainView, JsonView, type WatchView } from './watch-view.js';
export { watchExecution, watchExitCode, withInterrupt, type WatchOptions } from './watch.js';
