export { taskMachine, taskStep, type TaskMachineEvent } from './task-machine.js';
export { executionMachine, executionStep, type ExecutionMachineEvent } from './execution-machine.js';
export type { Step, LifecycleAction } from './lifecycle.js';
