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
  input?: Record<string, unknown>;
  params?: ExecutionParams;
  description?: string;
  /** Client-chosen id: starting twice with the same id returns the first execution (idempotent create). */
  id?: string;
}

export interface CompleteActionRequest {
  state: 'SUCCESS' | 'ERROR' | 'CANCELLED';
  output?: unknown;
}

export type { WorkflowSpec };
