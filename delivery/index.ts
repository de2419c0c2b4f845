/**
 * The delivery area's entry point: getting committed events to the systems that listen (listeners over HTTP
 * and AMQP, with retries, ordering, an attempt log and statuses).
 */
export { DeliveryService, type DeliveryServiceOptions } from './service.js';
export { DEFAULT_RETRY_SCHEDULE } from './retry.js';
export { eventView, filterExpression } from './match.js';
export { parseListenerInput, parseListenerPatch, type ListenerInputOptions } from './listener-input.js';
export { MASK, maskTransport, maskUrl, maskUrlsIn } from './secrets.js';
export type * from './types.js';
