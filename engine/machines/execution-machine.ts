/**
 * The workflow execution lifecycle: IDLE -> RUNNING -> SUCCESS | ERROR | CANCELLED, with PAUSED and re-runs
 * of failed or cancelled executions, as Mistral's state table allows.
 */
import { lifecycleMachine, step, type Step } from './lifecycle.js';

export type ExecutionMachineEvent =
  'CREATE' | 'START' | 'PAUSE' | 'RESUME' | 'SUCCEED' | 'FAIL' | 'CANCEL' | 'RERUN';

/** The one execution state table: the machine is built from it and `states.ts` derives its checks from it. */
export const EXECUTION_TRANSITIONS: Readonly<Record<string, Partial<Record<ExecutionMachineEvent, string>>>> =
  {
    NEW: { CREATE: 'IDLE', START: 'RUNNING', FAIL: 'ERROR' },
    IDLE: { START: 'RUNNING', FAIL: 'ERROR', CANCEL: 'CANCELLED' },
    RUNNING: { PAUSE: 'PAUSED', SUCCEED: 'SUCCESS', FAIL: 'ERROR', CANCEL: 'CANCELLED' },
    PAUSED: { RESUME: 'RUNNING', FAIL: 'ERROR', CANCEL: 'CANCELLED' },
    SUCCESS: {},
    ERROR: { RERUN: 'RUNNING' },
    CANCELLED: { RERUN: 'RUNNING' },
  };

export const executionMachine = lifecycleMachine('execution', 'NEW', EXECUTION_TRANSITIONS, ['SUCCESS']);

export function executionStep(state: string, event: ExecutionMachineEvent): Step | null {
  return step(executionMachine, state, event);
}
