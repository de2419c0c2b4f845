/**
 * The polling `ExecutionEventSource`: reads the execution and its tasks every `intervalMs` and turns the
 * differences between two reads into state changes, named with Mistral's event rules (`engine/states.ts`).
 *
 * What polling cannot see: a state held for less than one interval. A task first seen already finished is
 * reported as launched and then finished (it did run), so that every task shows both lines; a task that failed
 * and was re-run between two reads shows only its latest state.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isTerminalWorkflow,
  taskEventFor,
  workflowEventFor,
  type TaskState,
  type WorkflowState,
} from '../../engine/index.js';
import type { TramApi } from './api.js';
import type { ExecutionEventSource, StateChange } from './events.js';
import type { Execution, Task } from './wire.js';

/** @defaultValue 250 ms, until the WebSocket stream replaces polling. */
export const DEFAULT_POLL_INTERVAL_MS = 250;

/** States that imply the entity ran first: a first sighting in one of them reports a launch before it. */
const RAN_BEFORE: ReadonlySet<string> = new Set(['SUCCESS', 'ERROR', 'CANCELLED']);

function taskChanges(t: Task, before: TaskState | null): StateChange[] {
  if (before === t.state) return [];
  const base = { entity: 'task' as const, id: t.id, name: t.name, stateInfo: t.state_info ?? null };
  const out: StateChange[] = [];
  let from = before;
  if (from === null && RAN_BEFORE.has(t.state)) {
    out.push({ ...base, state: 'RUNNING', previousState: null, stateInfo: null, event: 'TASK_LAUNCHED' });
    from = 'RUNNING';
  }
  out.push({ ...base, state: t.state, previousState: from, event: taskEventFor(from, t.state) });
  return out;
}

function executionChanges(e: Execution, before: WorkflowState | null): StateChange[] {
  if (before === e.state) return [];
  const base = {
    entity: 'execution' as const,
    id: e.id,
    name: e.workflow_name,
    stateInfo: e.state_info ?? null,
  };
  const out: StateChange[] = [];
  let from = before;
  if (from === null && RAN_BEFORE.has(e.state)) {
    out.push({ ...base, state: 'RUNNING', previousState: null, stateInfo: null, event: 'WORKFLOW_LAUNCHED' });
    from = 'RUNNING';
  }
  out.push({ ...base, state: e.state, previousState: from, event: workflowEventFor(from, e.state) });
  return out;
}

export class PollingEventSource implements ExecutionEventSource {
  constructor(
    private readonly api: TramApi,
    private readonly intervalMs = DEFAULT_POLL_INTERVAL_MS,
  ) {}

  async *changes(executionId: string, signal?: AbortSignal): AsyncIterable<StateChange[]> {
    let execution: WorkflowState | null = null;
    const tasks = new Map<string, TaskState>();
    for (;;) {
      // The execution first, then its tasks: once the execution reads as finished, the tasks read after it
      // are final too, so the last batch is complete.
      const ex = await this.api.getExecution(executionId);
      const list = await this.api.executionTasks(executionId);
      const batch: StateChange[] = [];
      // The launch of the workflow comes before its tasks' changes; its end after them.
      const exChanges = executionChanges(ex, execution);
      const [launch, ...rest] = exChanges;
      if (execution === null && launch) batch.push(launch);
      for (const t of list) {
        batch.push(...taskChanges(t, tasks.get(t.id) ?? null));
        tasks.set(t.id, t.state);
      }
      batch.push(...(execution === null ? rest : exChanges));
      execution = ex.state;
      if (batch.length > 0) yield batch;
      if (isTerminalWorkflow(ex.state) || signal?.aborted) return;
      try {
        await sleep(this.intervalMs, undefined, { signal });
      } catch {
        return; // aborted
      }
    }
  }
}
