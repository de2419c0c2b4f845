/**
 * Does a listener want an event? Its scope (workbook, workflow, execution, task name), its event selectors
 * (categories `EXECUTION` / `TASK` or exact types) and its optional YAQL filter must all agree. The filter sees
 * the same view of the event as a payload template (`eventView`).
 */
import { evaluateString, isExpression, truthy } from '../dsl/expressions/index.js';
import type { OutboxEvent } from '../engine/index.js';
import type { Listener } from './types.js';

/** What filters and payload templates see as `$` (YAQL) or `_` (Jinja). */
export function eventView(ev: OutboxEvent): Record<string, unknown> {
  return {
    event_id: ev.id,
    event: ev.eventType,
    entity: ev.entity,
    entity_id: ev.entityId,
    execution_id: ev.executionId,
    root_execution_id: ev.rootExecutionId,
    sequence: ev.sequence,
    state: ev.state,
    previous_state: ev.previousState,
    workflow_name: ev.payload.workflow_name ?? null,
    task_name: ev.entity === 'task' ? (ev.payload.name ?? null) : null,
    created_at: new Date(ev.createdAt).toISOString(),
    payload: ev.payload,
  };
}

function workflowName(ev: OutboxEvent): string {
  const n = ev.payload.workflow_name;
  return typeof n === 'string' ? n : '';
}

export function inScope(l: Listener, ev: OutboxEvent): boolean {
  const s = l.scope;
  if (s.executionId !== undefined && s.executionId !== ev.executionId && s.executionId !== ev.rootExecutionId)
    return false;
  if (s.workflow !== undefined && s.workflow !== workflowName(ev)) return false;
  if (s.workbook !== undefined && !workflowName(ev).startsWith(`${s.workbook}.`)) return false;
  if (s.taskName !== undefined && (ev.entity !== 'task' || ev.payload.name !== s.taskName)) return false;
  return true;
}

export function selects(l: Listener, ev: OutboxEvent): boolean {
  if (l.events.length === 0) return true;
  const category = ev.entity === 'execution' ? 'EXECUTION' : 'TASK';
  return l.events.some((e) => e === category || e === ev.eventType);
}

/** A filter is a YAQL expression, with or without its `<% %>` delimiters. */
export function filterExpression(filter: string): string {
  return isExpression(filter) ? filter : `<% ${filter} %>`;
}

/** Throws (ExpressionError) when the filter cannot be evaluated: the caller decides what that means. */
export function passesFilter(l: Listener, ev: OutboxEvent): boolean {
  if (l.filter === null || l.filter.trim() === '') return true;
  return truthy(evaluateString(filterExpression(l.filter), { data: eventView(ev) }));
}

export function listenerWants(l: Listener, ev: OutboxEvent): boolean {
  return l.enabled && selects(l, ev) && inScope(l, ev) && passesFilter(l, ev);
}
