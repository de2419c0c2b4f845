/**
 * Typed events, derived at type level from the wire schemas (`schema.ts`), and `parseEvent`, which checks a
 * body against them. Parsing is lenient where the future is concerned (a field the server adds later is kept,
 * not refused) and strict about what the types promise (every field present, with its type).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import { EXECUTION_EVENT_TYPES, TASK_EVENT_TYPES, executionEventSchema, taskEventSchema } from './schema.js';

export type ExecutionEvent = FromSchema<typeof executionEventSchema>;
export type TaskEvent = FromSchema<typeof taskEventSchema>;
export type TramEvent = ExecutionEvent | TaskEvent;
export type ExecutionEventType = (typeof EXECUTION_EVENT_TYPES)[number];
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];
export type EventType = ExecutionEventType | TaskEventType;

/** The event of one type, e.g. `EventOf<'TASK_FAILED'>` (a `TaskEvent` whose `event` is `TASK_FAILED`). */
export type EventOf<T extends EventType> = T extends ExecutionEventType
  ? ExecutionEvent & { event: T }
  : TaskEvent & { event: T };

export class EventParseError extends Error {
  constructor(
    message: string,
    readonly errors: string[] = [],
  ) {
    super(message);
    this.name = 'EventParseError';
  }
}

/** The schemas with unknown fields allowed (a newer server may add some). */
function lenient<S extends { additionalProperties: boolean }>(schema: S): S {
  return { ...schema, additionalProperties: true };
}

let validators: { execution: ValidateFunction; task: ValidateFunction } | null = null;
function validator(kind: 'execution' | 'task'): ValidateFunction {
  validators ??= (() => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    return {
      execution: ajv.compile(lenient(executionEventSchema)),
      task: ajv.compile(lenient(taskEventSchema)),
    };
  })();
  return validators[kind];
}

export function isExecutionEvent(e: TramEvent): e is ExecutionEvent {
  return (EXECUTION_EVENT_TYPES as readonly string[]).includes(e.event);
}

export function isTaskEvent(e: TramEvent): e is TaskEvent {
  return (TASK_EVENT_TYPES as readonly string[]).includes(e.event);
}

/** Reads a `mistral`-format event body (bytes, text, or JSON already parsed); throws `EventParseError` saying why not. */
export function parseEvent(body: unknown): TramEvent {
  let value: unknown = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new EventParseError(`the body is not JSON: ${(err as Error).message}`);
    }
  }
  const type = (value as { event?: unknown } | null)?.event;
  const kind = (EXECUTION_EVENT_TYPES as readonly unknown[]).includes(type)
    ? 'execution'
    : (TASK_EVENT_TYPES as readonly unknown[]).includes(type)
      ? 'task'
      : null;
  if (!kind) throw new EventParseError(`not a Tramontane event: unknown event type ${JSON.stringify(type)}`);
  const validate = validator(kind);
  if (!validate(value)) {
    const errors = (validate.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`,
    );
    throw new EventParseError(`not a valid ${type as string} event: ${errors.join('; ')}`, errors);
  }
  return value as TramEvent;
}
