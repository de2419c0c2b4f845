/**
 * The task execution lifecycle. States follow Mistral (`DELAYED` is RUNNING_DELAYED); `NEW` is the moment
 * before the task execution exists, so that its first state is entered (and its event emitted) like any other.
 *
 * Events: START (run now), WAIT (a join waiting for inbound tasks; also a join re-armed by a late inbound),
 * HOLD (pause-before), DELAY (wait-before, wait-after, retry delay), RUN (leave a holding state), SUCCEED,
 * FAIL, CANCEL, PAUSE, SKIP.
 */
import { lifecycleMachine, step, type Step } from './lifecycle.js';

export type TaskMachineEvent =
  'START' | 'WAIT' | 'HOLD' | 'DELAY' | 'RUN' | 'SUCCEED' | 'FAIL' | 'CANCEL' | 'PAUSE' | 'SKIP';

/** The one task state table: the machine is built from it and `states.ts` derives its checks from it. */
export const TASK_TRANSITIONS: Readonly<Record<string, Partial<Record<TaskMachineEvent, string>>>> = {
  NEW: { START: 'RUNNING', WAIT: 'WAITING', FAIL: 'ERROR', CANCEL: 'CANCELLED' },
  WAITING: { RUN: 'RUNNING', FAIL: 'ERROR', CANCEL: 'CANCELLED' },
  IDLE: { RUN: 'RUNNING', FAIL: 'ERROR', CANCEL: 'CANCELLED' },
  RUNNING: {
    HOLD: 'IDLE',
    DELAY: 'DELAYED',
    SUCCEED: 'SUCCESS',
    FAIL: 'ERROR',
    CANCEL: 'CANCELLED',
    PAUSE: 'PAUSED',
  },
  DELAYED: { RUN: 'RUNNING', SUCCEED: 'SUCCESS', FAIL: 'ERROR', CANCEL: 'CANCELLED' },
  PAUSED: { RUN: 'RUNNING', FAIL: 'ERROR', CANCEL: 'CANCELLED' },
  // SUCCESS -> ERROR is fail-on; SUCCESS -> DELAYED is wait-after or a continue-on retry; SUCCESS -> WAITING
  // is a `join: one|N` task re-armed by a late inbound task (Mistral 15 re-runs it, see conformance 009).
  SUCCESS: { FAIL: 'ERROR', DELAY: 'DELAYED', WAIT: 'WAITING' },
  ERROR: { DELAY: 'DELAYED', RUN: 'RUNNING', SKIP: 'SKIPPED' },
  CANCELLED: { RUN: 'RUNNING' },
  SKIPPED: {},
};

export const taskMachine = lifecycleMachine('task', 'NEW', TASK_TRANSITIONS, ['SKIPPED']);

export function taskStep(state: string, event: TaskMachineEvent): Step | null {
  return step(taskMachine, state, event);
}
