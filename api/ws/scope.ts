/**
 * Subscription scopes: checking one against the engine when a client subscribes (an unknown execution, workflow
 * or workbook is a 404 naming the field), matching it against events, and the idempotence key.
 */
import { NotFoundError } from '../../common/index.js';
import type { Engine } from '../../engine/index.js';
import type { Entity, Scope, StreamEvent, WireError } from './protocol.js';

export type Resolved = { ok: true; scope: Scope } | { ok: false; error: WireError };

/** Checks that the scope names something that exists; a workflow given by definition id becomes its name. */
export async function resolveScope(engine: Engine, scope: Scope): Promise<Resolved> {
  switch (scope.kind) {
    case 'all':
      return { ok: true, scope };
    case 'execution':
      try {
        await engine.getExecution(scope.executionId);
        return { ok: true, scope };
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        return { ok: false, error: { field: 'data.execution_id', message: err.message } };
      }
    case 'workflow': {
      const row = await engine.findWorkflow(scope.workflowName);
      if (!row) {
        return {
          ok: false,
          error: { field: 'data.workflow_name', message: `workflow not found: ${scope.workflowName}` },
        };
      }
      return { ok: true, scope: { kind: 'workflow', workflowName: row.name } };
    }
    case 'workbook': {
      const wb = await engine.store.getWorkbook(scope.workbook);
      if (!wb) {
        return {
          ok: false,
          error: { field: 'data.workbook', message: `workbook not found: ${scope.workbook}` },
        };
      }
      return { ok: true, scope };
    }
  }
}

export function matchesScope(scope: Scope, ev: StreamEvent): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'execution':
      return ev.executionId === scope.executionId;
    case 'workflow':
      return ev.payload.workflow_name === scope.workflowName;
    case 'workbook': {
      const name = ev.payload.workflow_name;
      return typeof name === 'string' && name.startsWith(`${scope.workbook}.`);
    }
  }
}

/** Two subscribe requests with the same key are the same subscription (the entity alias does not count). */
export function subscriptionKey(entity: Entity, scope: Scope, afterSequence: number | undefined): string {
  const where =
    scope.kind === 'all'
      ? 'all'
      : scope.kind === 'execution'
        ? `execution:${scope.executionId}`
        : scope.kind === 'workflow'
          ? `workflow:${scope.workflowName}`
          : `workbook:${scope.workbook}`;
  return JSON.stringify([entity, where, afterSequence ?? null]);
}
