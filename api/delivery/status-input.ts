/**
 * A status update from a receiver, as `PUT /v2/statuses/{id}` and the GraphQL `updateStatus` mutation send it:
 * `{status: in_progress | completed, conclusion (required with completed, refused otherwise), output: {title,
 * summary}}`.
 */
import { InvalidInputError } from '../../common/index.js';
import type { StatusConclusion, StatusUpdate } from '../../delivery/types.js';

export const STATUS_STATES = ['in_progress', 'completed'] as const;
export const STATUS_CONCLUSIONS: readonly StatusConclusion[] = ['success', 'failure', 'timed_out'];
export const MAX_TITLE = 1024;
export const MAX_SUMMARY = 65_535;

/** Fields of the status resource a client may echo back: ignored. */
const READ_ONLY = [
  'id',
  'delivery_id',
  'event_id',
  'listener_id',
  'execution_id',
  'task_execution_id',
  'task_name',
  'deadline',
  'created_at',
  'updated_at',
];

function fail(field: string, message: string): never {
  throw new InvalidInputError(`'${field}' ${message}`, field);
}

function text(v: unknown, field: string, max: number): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(field, 'must be a string');
  if (v.length > max) fail(field, `must be at most ${max} characters`);
  return v;
}

export function readStatusUpdate(body: unknown): StatusUpdate {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidInputError(
      'request body must be a JSON object (Content-Type: application/json)',
      'body',
    );
  }
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (!['status', 'conclusion', 'output', ...READ_ONLY].includes(k)) fail(k, 'is not a known field');
  }
  if (typeof b.status !== 'string' || !(STATUS_STATES as readonly string[]).includes(b.status)) {
    fail('status', `must be one of ${STATUS_STATES.join(', ')}`);
  }
  const update: StatusUpdate = { status: b.status as StatusUpdate['status'] };
  if (b.conclusion !== undefined && b.conclusion !== null) {
    if (
      typeof b.conclusion !== 'string' ||
      !(STATUS_CONCLUSIONS as readonly string[]).includes(b.conclusion)
    ) {
      fail('conclusion', `must be one of ${STATUS_CONCLUSIONS.join(', ')}`);
    }
    if (update.status !== 'completed') fail('conclusion', `is only given with status 'completed'`);
    update.conclusion = b.conclusion as StatusConclusion;
  } else if (update.status === 'completed') {
    fail('conclusion', `is required with status 'completed'`);
  }
  if (b.output !== undefined && b.output !== null) {
    if (typeof b.output !== 'object' || Array.isArray(b.output)) fail('output', 'must be a JSON object');
    const o = b.output as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (k !== 'title' && k !== 'summary') fail(`output.${k}`, 'is not a known field');
    }
    const output: StatusUpdate['output'] = {};
    const title = text(o.title, 'output.title', MAX_TITLE);
    const summary = text(o.summary, 'output.summary', MAX_SUMMARY);
    if (title !== undefined) output.title = title;
    if (summary !== undefined) output.summary = summary;
    update.output = output;
  }
  return update;
}
