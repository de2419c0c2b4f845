/**
 * The listener rules that more than one area states: which event selectors, formats and HTTP methods exist, and
 * the bounds of names, retries and timeouts. `listener-input.ts` (the API and workbook listeners) and the CLI's
 * flag checks (`cli/commands/listener.ts`) both read them from here, so a rule changes in one place. Constants
 * only: the CLI loads this without the expression languages.
 */
import { EVENT_TYPES } from '../engine/states.js';
import type { EventSelector, HttpTransportSpec, ListenerFormat } from './types.js';

export { EVENT_TYPES };
export const EVENT_SELECTORS: readonly EventSelector[] = ['EXECUTION', 'TASK', ...EVENT_TYPES];
export const LISTENER_FORMATS: readonly ListenerFormat[] = ['mistral', 'cloudevents', 'template'];
export const HTTP_METHODS: readonly HttpTransportSpec['method'][] = ['POST', 'PUT', 'PATCH'];

/** Seconds before the 2nd, 3rd... attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 28 hours in all). */
export const DEFAULT_RETRY: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];
export const MAX_RETRIES = 20;
/** The longest delay between two attempts, in seconds (one day); see `MAX_RETRY_DELAY_MS` in `retry.ts`. */
export const MAX_RETRY_DELAY_S = 86_400;
export const MAX_NAME_LENGTH = 200;
export const DEFAULT_EXCHANGE = 'tram.events';
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
export const DEFAULT_STATUS_TIMEOUT_S = 3600;
