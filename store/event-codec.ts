/**
 * How an outbox event's payload is stored, shared by the SQL stores. The engine's payloads (Mistral's
 * notification format) repeat what the event row holds already: the entity id, the state, the event type, the
 * execution id, the event time (as `created_at` / `updated_at` / `started_at`), the constant project id, and
 * their own key names. Stored as JSON objects they were most of the outbox, the largest table.
 *
 * So a payload whose keys are exactly one of the engine's shapes, in order, is stored as a JSON array: a bit mask
 * of the keys whose value the row gives back (each checked equal when written), then the other values in shape
 * order. Anything else (another shape, a value that differs from what the row would give) is stored as the JSON
 * object it is. Reading gives back the same object, keys in the same order, either way: the codec only changes
 * bytes on disk, never what a reader sees, so the engine may change its payloads without telling the store (they
 * are then stored whole until `SHAPES` learns them).
 */
import { mistralTime } from '../common/index.js';
import type { OutboxEvent } from '../model/index.js';

/** The event's own columns that a payload value may be derived from. */
export interface EventColumns {
  executionId: string;
  rootExecutionId: string;
  entityId: string;
  eventType: string;
  state: string;
  createdAt: number;
}

type Derive = (c: EventColumns, time: string | null) => unknown;

/** Mistral's constant project id (`engine/runtime/transitions.ts` writes the same). */
const PROJECT_ID = '<default-project>';

const eventTime: Derive = (_c, time) => time;

/** How each key's value follows from the row (or from another key of the payload), when it does. */
const DERIVED: Record<string, Derive> = {
  id: (c) => c.entityId,
  state: (c) => c.state,
  event: (c) => c.eventType,
  project_id: () => PROJECT_ID,
  workflow_execution_id: (c) => c.executionId,
  root_execution_id: (c) => (c.rootExecutionId === c.executionId ? null : c.rootExecutionId),
  created_at: eventTime,
  updated_at: eventTime,
  started_at: eventTime,
};

/** The engine's payload keys, in the order it writes them (`executionPayload`, `taskPayload`). */
const SHAPES: Record<OutboxEvent['entity'], readonly string[]> = {
  execution: (
    'id name workflow_name workflow_namespace workflow_id state state_info project_id task_execution_id ' +
    'root_execution_id created_at updated_at event'
  ).split(' '),
  task: (
    'id name workflow_execution_id workflow_name workflow_namespace workflow_id state state_info type ' +
    'project_id created_at updated_at started_at finished_at event'
  ).split(' '),
};

/** An execution's `name` is its workflow's name. */
const SAME_AS: Record<OutboxEvent['entity'], Record<string, string>> = {
  execution: { name: 'workflow_name' },
  task: {},
};

/** The keys of `shape`, in its order, none undefined (an array would turn undefined into null). */
function fits(p: Record<string, unknown>, shape: readonly string[]): boolean {
  // A loop over the keys, not `Object.keys(p).every(...)`: this runs for every event of every commit.
  let i = 0;
  for (const k in p) {
    if (!Object.hasOwn(p, k)) return false;
    if (k !== shape[i] || p[k] === undefined) return false;
    i++;
  }
  return i === shape.length;
}

/** The stored text of an event's payload. */
export function encodePayload(
  entity: OutboxEvent['entity'],
  c: EventColumns,
  p: Record<string, unknown>,
): string {
  const shape = SHAPES[entity];
  if (!shape || !fits(p, shape)) return JSON.stringify(p);
  const time = mistralTime(c.createdAt);
  const same = SAME_AS[entity];
  let mask = 0;
  // The mask goes first: its slot is filled once the values are known.
  const stored: unknown[] = [0];
  for (let i = 0; i < shape.length; i++) {
    const key = shape[i] as string;
    const derive = DERIVED[key];
    const twin = same[key];
    const v = p[key];
    if ((derive && derive(c, time) === v) || (twin !== undefined && p[twin] === v)) mask |= 1 << i;
    else stored.push(v);
  }
  stored[0] = mask;
  return JSON.stringify(stored);
}

/** The payload an event was written with. */
export function decodePayload(
  entity: OutboxEvent['entity'],
  c: EventColumns,
  text: string,
): Record<string, unknown> {
  const stored = JSON.parse(text) as unknown;
  if (!Array.isArray(stored)) return stored as Record<string, unknown>;
  const shape = SHAPES[entity];
  const mask = stored[0] as number;
  const time = mistralTime(c.createdAt);
  const p: Record<string, unknown> = {};
  // Stored values first, in shape order; then the derived ones (a twin may come after its key in the shape).
  // Plain loops: this runs for every event the fan-out reads.
  for (let i = 0, next = 1; i < shape.length; i++) {
    p[shape[i] as string] = mask & (1 << i) ? undefined : stored[next++];
  }
  const same = SAME_AS[entity];
  for (let i = 0; i < shape.length; i++) {
    if (!(mask & (1 << i))) continue;
    const key = shape[i] as string;
    const twin = same[key];
    p[key] = twin !== undefined ? p[twin] : DERIVED[key]?.(c, time);
  }
  return p;
}
