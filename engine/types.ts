/**
 * The engine's public vocabulary: the shared execution records (from `model/`) and the requests the engine
 * accepts. The REST API, the CLI and the tests speak these types; the store persists the records.
 */

import type { WorkflowSpec } from '../dsl/spec.js';
import type { ExecutionParams } from '../model/index.js';

export type * from '../model/execution.js';

export interface StartExecutionRequest {
  /** Workflow name (`wb.wf` or `wf`) or definition id. */
  workflow: string;
  /** The namespace to find `workflow` in (then the default one, `''`); its sub-workflows resolve there too. */
  namespace?: string;
  input?: Record<string, unknown>;
  params?: ExecutionParams;
  description?: string;
  /** Client-chosen id: starting twice with the same id returns the first execution (idempotent create). */
  id?: string;
  /** The message (of an event trigger) that asks for this execution: its receipt is committed in the same
   * transaction as the execution, so that the message starts it exactly once. */
  receipt?: { triggerId: string; messageId: string };
}

export interface CompleteActionRequest {
  state: 'SUCCESS' | 'ERROR' | 'CANCELLED';
  output?: unknown;
}

export type { WorkflowSpec };
