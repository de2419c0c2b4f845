/**
 * @tramontane/sdk: for the systems on the other end of Tramontane's listeners. Verify and parse webhooks
 * (`verifyWebhook`, `parseEvent`, `webhookMiddleware`), consume events from RabbitMQ (`consume`), report what
 * you did with a delivery (`reportStatus`). Types are derived from the server's own event schemas.
 */
export {
  verifyWebhook,
  WebhookVerificationError,
  type VerificationCode,
  type VerifiedWebhook,
  type VerifyOptions,
  type HeaderBag,
} from './verify.js';
export {
  parseEvent,
  isExecutionEvent,
  isTaskEvent,
  EventParseError,
  type ExecutionEvent,
  type TaskEvent,
  type TramEvent,
  type EventOf,
  type EventType,
  type ExecutionEventType,
  type TaskEventType,
} from './events.js';
export {
  reportStatus,
  StatusReportError,
  type StatusReport,
  type StatusResult,
  type ReportOptions,
  type StatusConclusion,
} from './report.js';
export {
  consume,
  type ConsumeOptions,
  type ConsumedEvent,
  type Consumer,
  type ConsumerStats,
  type EventHandler,
} from './consume.js';
export { webhookMiddleware, type WebhookMiddlewareOptions, type TramRequestInfo } from './express.js';
export { Dedupe, type DedupeOptions } from './dedupe.js';
export {
  executionEventSchema,
  taskEventSchema,
  routingKey,
  DEFAULT_EXCHANGE,
  EXECUTION_EVENT_TYPES,
  TASK_EVENT_TYPES,
} from './schema.js';
