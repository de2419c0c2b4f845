/**
 * The engine area's public entry point: the Engine, its vocabulary, the state model, and the machines (for
 * tests and diagrams).
 */
export { Engine, type EngineOptions } from './engine.js';
export type { SaveOptions, SavedDocument } from './definitions.js';
export type { StandaloneActionRequest, StandaloneOutcome } from './standalone-actions.js';
export type { Logger, EventListener } from './runtime/runtime.js';
export * from './types.js';
export {
  isValidTransition,
  isValidExecutionTransition,
  isTerminalWorkflow,
  isCompletedTask,
  taskEventFor,
  workflowEventFor,
  EVENT_TYPES,
} from './states.js';
export { taskMachine, executionMachine, taskStep, executionStep } from './machines/index.js';
export { applyInputParams } from './runtime/inputs.js';
export { graphOf, type WorkflowGraph } from './runtime/graph.js';
export { PROJECT_ID } from './runtime/transitions.js';
