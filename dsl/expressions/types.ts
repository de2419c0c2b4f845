/**
 * The contract between the expression languages (YAQL `<% %>`, Jinja `{{ }}`) and their callers (the DSL's
 * checks, the engine's data flow). Callers import only `dsl/expressions/index.ts`.
 */

/**
 * Functions that need engine state (Mistral's context functions). The engine supplies one per evaluation;
 * validation and unit tests may supply stubs. Each returns plain JSON data (or null when not found).
 */
export interface ExpressionHost {
  /** `task()` is the current task (name undefined); `task(name)` the last execution of that task. */
  task(name?: string): unknown;
  /** `tasks(workflow_execution_id?, recursive?, state?, flat?)`. */
  tasks(workflowExecutionId?: string, recursive?: boolean, state?: string, flat?: boolean): unknown;
  /** `execution()`: `{id, name, spec, input, params, created_at, updated_at, root_execution_id}`. */
  execution(): unknown;
  /** `env()`: the execution's environment variables. */
  env(): unknown;
  /** `global(name)`: a variable published with `publish: {global: ...}`. */
  global(name: string): unknown;
}

/** What an expression is evaluated against. */
export interface EvalContext {
  /** The data root: `$` in YAQL, `_` in Jinja. */
  data: unknown;
  host?: ExpressionHost;
  /** Overrides of the evaluation limits; unset fields keep their defaults (see `EvalLimits`). */
  limits?: Partial<EvalLimits>;
  /** The clock the timeout is measured with, in milliseconds; tests pass a simulated one. @default Date.now */
  now?: () => number;
}

/** A syntax problem inside one string; `offset` is the 0-based character offset in that string. */
export interface ExpressionIssue {
  message: string;
  offset: number;
  /**
   * `warning`: a name the language does not know (a Jinja filter or test). Mistral accepts it at upload and fails
   * only when the expression is evaluated; such a string is still never run here (it stays `invalid`).
   */
  severity?: 'warning';
}

/** Limits that keep a hostile or buggy expression from taking the engine down. */
export interface EvalLimits {
  /** Wall-clock budget for one evaluation. @default 1000 */
  timeoutMs: number;
  /** Upper bound on the size of any collection an expression builds. @default 1_000_000 */
  maxCollectionSize: number;
  /** Upper bound on the length of any string an expression builds. @default 10_000_000 */
  maxStringLength: number;
}
