/**
 * Mistral's cron-trigger rules as pure functions of the request, the workflow and the time: what a new trigger
 * looks like (`newCronTrigger`, after `validate_cron_trigger_input`), what it becomes after a run
 * (`advanceAfterRun`, after `advance_cron_trigger`), and how the execution it starts says so
 * (`cronDescription`).
 */
import { InvalidInputError, NotFoundError, newId } from '../../common/index.js';
import type { CronTriggerAdvance, CronTriggerRow, WorkflowDefinitionRow } from '../../store/index.js';
import { nextFireTime, patternError } from './schedule.js';
import { applyInputParams } from '../../engine/index.js';

/** A create request, read off the wire. Times are epoch ms. */
export interface CronTriggerRequest {
  name: string;
  /** The workflow's name or id, as given. */
  workflow: string;
  workflowInput?: Record<string, unknown>;
  workflowParams?: Record<string, unknown>;
  pattern?: string;
  firstExecutionTime?: number;
  remainingExecutions?: number;
}

/** Mistral refuses a first run sooner than this. */
export const MIN_FIRST_RUN_DELAY_MS = 60_000;
const MAX_NAME_LENGTH = 255;

/** Checks the input against the workflow's declared parameters, naming what is missing or unexpected. */
function checkInput(wf: WorkflowDefinitionRow, input: Record<string, unknown>): void {
  try {
    applyInputParams(wf.spec.input, input, wf.name);
  } catch (err) {
    throw new InvalidInputError((err as Error).message, 'workflow_input', { cause: err });
  }
}

/**
 * The trigger a valid request creates. Either a pattern or a first time is required; without a pattern a
 * trigger runs once. The first run is the first time if given, else the pattern's next time after `now`.
 */
export function newCronTrigger(
  req: CronTriggerRequest,
  findWorkflow: (nameOrId: string) => WorkflowDefinitionRow | null,
  now: number,
): CronTriggerRow {
  if (!req.name || req.name.length > MAX_NAME_LENGTH) {
    throw new InvalidInputError(`'name' must be 1 to ${MAX_NAME_LENGTH} characters`, 'name');
  }
  const pattern = req.pattern?.trim() || undefined;
  const first = req.firstExecutionTime;
  if (pattern === undefined && first === undefined) {
    throw new InvalidInputError('Pattern or first_execution_time must be specified.', 'pattern');
  }
  const count = req.remainingExecutions;
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw new InvalidInputError(
      `'remaining_executions' must be an integer of at least 1`,
      'remaining_executions',
    );
  }
  if (first !== undefined) {
    if (first < now + MIN_FIRST_RUN_DELAY_MS) {
      throw new InvalidInputError(
        'first_execution_time must be at least 1 minute in the future.',
        'first_execution_time',
      );
    }
    if (pattern === undefined && count !== undefined && count > 1) {
      throw new InvalidInputError('Pattern must be provided if count is superior to 1.', 'pattern');
    }
  }
  if (pattern !== undefined) {
    const invalid = patternError(pattern);
    if (invalid)
      throw new InvalidInputError(`The specified pattern is not valid: ${pattern}: ${invalid}`, 'pattern');
  }
  // Without a first time there is a pattern (checked above): null means it never fires.
  const next = first ?? (pattern === undefined ? null : nextFireTime(pattern, now));
  if (next === null) throw new InvalidInputError(`The specified pattern never fires: ${pattern}`, 'pattern');
  const wf = findWorkflow(req.workflow);
  if (!wf) throw new NotFoundError('workflow', req.workflow);
  const input = req.workflowInput ?? {};
  checkInput(wf, input);
  return {
    id: newId(),
    name: req.name,
    pattern: pattern ?? null,
    workflowName: wf.name,
    workflowId: wf.id,
    workflowInput: input,
    workflowParams: req.workflowParams ?? {},
    firstExecutionTime: first ?? null,
    nextExecutionTime: next,
    // A one-off trigger (first time, no pattern) runs once.
    remainingExecutions: count ?? (pattern === undefined ? 1 : null),
    scope: 'private',
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The trigger after the run due at its `nextExecutionTime`: one run fewer, deleted after its last. Runs missed
 * while no engine was up collapse into the one being made: the next time is the pattern's first after
 * `max(now, nextExecutionTime)`, as in Mistral.
 */
export function advanceAfterRun(t: CronTriggerRow, now: number): CronTriggerAdvance {
  const remaining = t.remainingExecutions === null ? null : t.remainingExecutions - 1;
  if (remaining !== null && remaining <= 0) return 'delete';
  const next = t.pattern ? nextFireTime(t.pattern, Math.max(now, t.nextExecutionTime)) : null;
  if (next === null) return 'delete';
  return { nextExecutionTime: next, remainingExecutions: remaining };
}

/** The description of an execution a trigger started: Mistral's JSON, naming the trigger. */
export function cronDescription(t: CronTriggerRow): string {
  return JSON.stringify({
    description: `Workflow execution created by cron trigger '(${t.id})'.`,
    triggered_by: { type: 'cron_trigger', id: t.id, name: t.name },
  });
}
