/**
 * Every state change of a task or an execution goes through here. The lifecycle machine decides whether the
 * change is allowed and returns its entry/exit actions; an `enter` action becomes an outbox event (Mistral's
 * notify payload, numbered with the execution's sequence) in the same unit of work as the new state.
 */
import { mistralTime } from '../../common/index.js';
import {
  executionStep,
  taskStep,
  type ExecutionMachineEvent,
  type TaskMachineEvent,
} from '../machines/index.js';
import { isCompletedTask, taskEventFor, workflowEventFor } from '../states.js';
import type { EventType, OutboxEvent, TaskState, WorkflowState } from '../types.js';
import type { ExecRun, TaskRun } from './model.js';
import type { Runtime } from './runtime.js';

/** Mistral reports a project id on every payload; without multi-tenancy it is this constant. */
export const PROJECT_ID = '<default-project>';

export class Transitions {
  constructor(private readonly rt: Runtime) {}

  /** Moves a task; throws on a move the machine refuses (an engine bug, never user input). */
  task(t: TaskRun, event: TaskMachineEvent, stateInfo?: string | null): void {
    const from = t.rec.state as string;
    const s = taskStep(from, event);
    if (!s) throw new Error(`task '${t.rec.name}' (${t.rec.id}): ${event} is not allowed in state ${from}`);
    const now = this.rt.clock.now();
    const rec = t.rec;
    const to = s.to as TaskState;
    // A NEW task is not counted yet: entering its first non-final state makes it active.
    const wasDone = from === 'NEW' || isCompletedTask(from as TaskState);
    rec.state = to;
    rec.updatedAt = now;
    if (stateInfo !== undefined) rec.stateInfo = stateInfo;
    if (to === 'RUNNING' && rec.startedAt === null) rec.startedAt = now;
    const done = isCompletedTask(to);
    if (done) rec.finishedAt = now;
    if (wasDone !== done) t.exec.active += done ? -1 : 1;
    this.rt.markTask(t);
    for (const a of s.actions) {
      if (a.type !== 'enter') continue;
      const type = taskEventFor(from === 'NEW' ? null : (from as TaskState), to);
      if (type)
        this.emit(
          t.exec,
          'task',
          rec.id,
          type,
          to,
          from === 'NEW' ? null : (from as TaskState),
          this.taskPayload(t, type),
        );
    }
  }

  /** Moves an execution; returns false when the machine refuses (the caller reports it). */
  execution(e: ExecRun, event: ExecutionMachineEvent, stateInfo?: string | null): boolean {
    const from = e.rec.state as string;
    const s = executionStep(from, event);
    if (!s) return false;
    const to = s.to as WorkflowState;
    e.rec.state = to;
    e.rec.updatedAt = this.rt.clock.now();
    if (stateInfo !== undefined) e.rec.stateInfo = stateInfo;
    this.rt.markExec(e);
    for (const a of s.actions) {
      if (a.type !== 'enter') continue;
      const prev = from === 'NEW' ? null : (from as WorkflowState);
      const type = workflowEventFor(prev, to);
      if (type) this.emit(e, 'execution', e.rec.id, type, to, prev, this.executionPayload(e, type));
    }
    return true;
  }

  private emit(
    e: ExecRun,
    entity: OutboxEvent['entity'],
    entityId: string,
    eventType: EventType,
    state: OutboxEvent['state'],
    previousState: OutboxEvent['previousState'],
    payload: Record<string, unknown>,
  ): void {
    e.seq += 1;
    const ev: Omit<OutboxEvent, 'id'> = {
      executionId: e.rec.id,
      rootExecutionId: e.rec.rootExecutionId ?? e.rec.id,
      sequence: e.seq,
      entity,
      entityId,
      eventType,
      state,
      previousState,
      payload,
      duplicate: false,
      createdAt: this.rt.clock.now(),
    };
    this.rt.kernel.uow.events.push(ev);
    this.rt.kernel.uow.effects.push(() => this.rt.publish(ev));
  }

  private taskPayload(t: TaskRun, event: EventType): Record<string, unknown> {
    const r = t.rec;
    return {
      id: r.id,
      name: r.name,
      workflow_execution_id: r.workflowExecutionId,
      workflow_name: r.workflowName,
      workflow_namespace: r.workflowNamespace,
      workflow_id: r.workflowId,
      state: r.state,
      state_info: r.stateInfo,
      type: r.type,
      project_id: PROJECT_ID,
      created_at: mistralTime(r.createdAt),
      updated_at: mistralTime(r.updatedAt),
      started_at: mistralTime(r.startedAt),
      finished_at: mistralTime(r.finishedAt),
      event,
    };
  }

  private executionPayload(e: ExecRun, event: EventType): Record<string, unknown> {
    const r = e.rec;
    return {
      id: r.id,
      name: r.workflowName,
      workflow_name: r.workflowName,
      workflow_namespace: r.workflowNamespace,
      workflow_id: r.workflowId,
      state: r.state,
      state_info: r.stateInfo,
      project_id: PROJECT_ID,
      task_execution_id: r.taskExecutionId,
      root_execution_id: r.rootExecutionId,
      created_at: mistralTime(r.createdAt),
      updated_at: mistralTime(r.updatedAt),
      event,
    };
  }
}
