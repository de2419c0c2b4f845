/**
 * The rules of a listener, defined once for every place that applies them: the reader of API and workbook
 * listeners (`delivery/listener-input.ts`), the checks of a workbook's `listeners:` with positions
 * (`dsl/checks/listeners.ts`), the JSON schema shipped for editors (`dsl/workflow-language.schema.json`, held to
 * these by a test) and the CLI's flag checks (`cli/commands/listener.ts`). Constants and pure predicates only,
 * importing only the SDK's wire contract (which imports nothing): every area can load it, the CLI without the
 * expression languages.
 */
import { EXECUTION_EVENT_TYPES, TASK_EVENT_TYPES } from '../sdk/src/schema.js';
import type {
  EventSelector,
  HttpTransportSpec,
  Listener,
  ListenerFormat,
  TransportSpec,
} from './delivery.js';
import type { EventType } from './execution.js';

/**
 * Every event type the engine emits, in Mistral's order (`notification_events.py`), from the wire contract the
 * SDK shares with the server.
 */
export const EVENT_TYPES: readonly EventType[] = [...EXECUTION_EVENT_TYPES, ...TASK_EVENT_TYPES];
/** What a listener's `events` may hold: the two categories, and exact event types. */
export const EVENT_SELECTORS: readonly EventSelector[] = ['EXECUTION', 'TASK', ...EVENT_TYPES];
export const LISTENER_FORMATS: readonly ListenerFormat[] = ['mistral', 'cloudevents', 'template'];
export const TRANSPORT_TYPES: readonly TransportSpec['type'][] = ['http', 'amqp'];
export const HTTP_METHODS: readonly HttpTransportSpec['method'][] = ['POST', 'PUT', 'PATCH'];

/** Seconds before the 2nd, 3rd... attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 28 hours in all). */
export const DEFAULT_RETRY: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];
export const MAX_RETRIES = 20;
/** The longest delay between two attempts, in seconds (one day); see `MAX_RETRY_DELAY_MS` in `retry.ts`. */
export const MAX_RETRY_DELAY_S = 86_400;
export const MAX_NAME_LENGTH = 200;
export const DEFAULT_EXCHANGE = 'tram.events';
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
/** Bounds of an http transport's `timeout_ms`. */
export const HTTP_TIMEOUT_MS = { min: 100, max: 60_000 } as const;
export const DEFAULT_STATUS_TIMEOUT_S = 3600;
/** Bounds of `status.timeout_s`: a second to seven days. */
export const STATUS_TIMEOUT_S = { min: 1, max: 604_800 } as const;

/** The URL schemes of each transport. */
export const URL_SCHEMES: Readonly<Record<TransportSpec['type'], readonly string[]>> = {
  http: ['http:', 'https:'],
  amqp: ['amqp:', 'amqps:'],
};

/** Whether `url` is an absolute URL of one of the transport's schemes. */
export function isTransportUrl(url: string, type: TransportSpec['type']): boolean {
  try {
    return URL_SCHEMES[type].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** An HTTP header name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The form of a signing secret (Standard Webhooks): `whsec_` and base64. */
export const SECRET_FORM = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
export const SECRET_RULE = "must be 'whsec_' followed by the base64 of 24 to 64 random bytes";

/** `whsec_` and the base64 of 24 to 64 bytes (Standard Webhooks' signing secrets). */
export function isSigningSecret(secret: string): boolean {
  if (!SECRET_FORM.test(secret)) return false;
  const b64 = secret.slice('whsec_'.length);
  if (b64.length % 4 !== 0) return false;
  const bytes = (b64.length / 4) * 3 - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
  return bytes >= 24 && bytes <= 64;
}

/** A selector that matches execution events only (never those of a task). */
export function isExecutionSelector(s: unknown): boolean {
  return typeof s === 'string' && (s === 'EXECUTION' || s.startsWith('WORKFLOW_'));
}

/**
 * The namespace of the workbook that owns a listener ('' for the default namespace, and for records written
 * before namespaces were told apart: they all belong to it).
 */
export function listenerOwnerNamespace(l: Pick<Listener, 'ownerNamespace'>): string {
  return l.ownerNamespace ?? '';
}
