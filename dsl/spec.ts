/**
 * The normalised model of a Mistral v2 document: what the DSL produces once YAML is parsed, schema-checked and
 * semantically checked, and what the engine compiles into machines. Every shorthand of the language (inline
 * parameters, the one-line retry, `join: one`, string-or-list clauses, `publish: {branch, global}`) is expanded
 * here, so the engine never sees YAML shapes.
 *
 * Values that may hold expressions are typed `Expr`: the raw YAML value (a scalar, list or mapping) in which any
 * string may contain `<% yaql %>` or `{{ jinja }}`. They are evaluated at run time by `dsl/expressions`.
 */

/** A raw YAML value that may contain expressions anywhere inside it. */
export type Expr = unknown;

/** Where a construct was written: 1-based line and column. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** An input parameter of a workflow or ad-hoc action: `- name` or `- name: default`. */
export interface InputParam {
  name: string;
  hasDefault: boolean;
  default?: Expr;
}

/** The result of loading one YAML document: either a workbook or a bare set of workflows (and actions). */
export interface DocumentSpec {
  /** `actions`: a standalone actions document (`POST /v2/actions`), whose `actions` are named by their keys. */
  kind: 'workbook' | 'workflows' | 'actions';
  /** The workbook name (kind = workbook). */
  name?: string;
  description?: string;
  tags: string[];
  /** Keyed by qualified name (`wb.wf` inside a workbook, `wf` otherwise), in document order. */
  workflows: Record<string, WorkflowSpec>;
  /** Ad-hoc actions keyed by qualified name. */
  actions: Record<string, AdHocActionSpec>;
  /**
   * Tramontane extension: the workbook's `listeners` section, keyed by listener name, each body in the wire
   * format of `POST /v2/listeners` (snake_case, as written) completed so that it can be posted as it is: `name`
   * is the key, `scope.workbook` the workbook, and a `scope.workflow` written as a short name is qualified.
   * Absent when the workbook has no `listeners` section.
   */
  listeners?: Record<string, ListenerBody>;
  /** The source text, kept so that definitions can be returned as written. */
  source: string;
  file: string;
}

export interface WorkflowSpec {
  /** Qualified name: `wb.wf` for workbook workflows, the plain key for standalone ones. */
  name: string;
  /** The key under `workflows:` (equal to `name` for standalone workflows). */
  shortName: string;
  workbook?: string;
  type: 'direct' | 'reverse';
  description?: string;
  tags: string[];
  input: InputParam[];
  /** Absent when the workflow has no `output` clause (the output is then the published variables). */
  output?: Expr;
  outputOnError?: Expr;
  vars: Record<string, Expr>;
  taskDefaults: TaskDefaultsSpec;
  /** Tasks in document order. */
  tasks: Record<string, TaskSpec>;
  /** Tramontane extension: hooks run when the execution starts / ends. */
  onEnter: HookSpec[];
  onExit: HookSpec[];
  pos: SourcePos;
}

/** Policies and clauses a task inherits unless it sets its own (`task-defaults`). */
export interface TaskDefaultsSpec {
  retry?: RetrySpec;
  waitBefore?: Expr;
  waitAfter?: Expr;
  timeout?: Expr;
  pauseBefore?: Expr;
  concurrency?: Expr;
  failOn?: Expr;
  safeRerun?: Expr;
  onSuccess?: OnClauseSpec;
  onError?: OnClauseSpec;
  onComplete?: OnClauseSpec;
  onSkip?: OnClauseSpec;
  requires?: string[];
}

export interface TaskSpec {
  name: string;
  description?: string;
  tags: string[];
  /**
   * What the task runs. `action` defaults to `std.noop` when neither `action` nor `workflow` is given.
   * The name may itself be an expression (`action: <% $.which %>`).
   */
  kind: 'action' | 'workflow';
  /** Action or workflow name, without inline parameters. */
  target: string;
  /** Parameters written inline: `action: std.echo output="x"` gives `{output: "x"}`. */
  inlineInput: Record<string, Expr>;
  /** The `input:` clause: a mapping (merged over inline input, `input` wins) or an expression yielding one. */
  input?: Expr;
  /** `publish` (branch scope) and `publish: {global: ...}` are split here. */
  publish?: Record<string, Expr>;
  publishGlobal?: Record<string, Expr>;
  publishOnError?: Record<string, Expr>;
  publishOnErrorGlobal?: Record<string, Expr>;
  publishOnSkip?: Record<string, Expr>;
  publishOnSkipGlobal?: Record<string, Expr>;
  withItems?: WithItemsSpec[];
  concurrency?: Expr;
  retry?: RetrySpec;
  waitBefore?: Expr;
  waitAfter?: Expr;
  timeout?: Expr;
  pauseBefore?: Expr;
  failOn?: Expr;
  /** Default true. */
  keepResult: Expr;
  /** Default true in Mistral only for tasks without side effects; we default to true (at-least-once). */
  safeRerun?: Expr;
  targetHost?: Expr;
  /** Direct workflows: `all`, or a count (`one` is 1). Absent: not a join task. */
  join?: 'all' | number;
  /** Reverse workflows. */
  requires: string[];
  onSuccess?: OnClauseSpec;
  onError?: OnClauseSpec;
  onComplete?: OnClauseSpec;
  onSkip?: OnClauseSpec;
  /** Tramontane extension: hooks around the task's action. */
  onEnter: HookSpec[];
  onExit: HookSpec[];
  pos: SourcePos;
}

/** One `var in <source>` of `with-items`; several are zipped by index. */
export interface WithItemsSpec {
  variable: string;
  /** An expression string (`<% $.xs %>`) or an inline JSON list. */
  source: Expr;
}

export interface RetrySpec {
  count: Expr;
  delay: Expr;
  breakOn?: Expr;
  continueOn?: Expr;
}

/** An `on-success` / `on-error` / `on-complete` / `on-skip` clause. */
export interface OnClauseSpec {
  /** Advanced form: `publish: {branch: {...}, global: {...}}` applied when the clause is taken. */
  publish?: Record<string, Expr>;
  publishGlobal?: Record<string, Expr>;
  next: TransitionSpec[];
}

export type EngineCommand = 'fail' | 'succeed' | 'pause' | 'noop';

export type TransitionSpec =
  | { kind: 'task'; task: string; guard?: string; pos?: SourcePos }
  | { kind: 'command'; command: EngineCommand; msg?: Expr; guard?: string; pos?: SourcePos };

/**
 * A hook (Tramontane extension): an action call run when a task or workflow is entered or left. `guard`, when
 * present, is an expression; the hook runs only when it is truthy.
 */
export interface HookSpec {
  action: string;
  input: Record<string, Expr>;
  guard?: string;
  pos?: SourcePos;
}

/** An ad-hoc action: a named, reusable call of a base action with prepared input and output. */
export interface AdHocActionSpec {
  /** Qualified: `wb.name` inside a workbook. */
  name: string;
  shortName: string;
  workbook?: string;
  description?: string;
  tags: string[];
  /** The base action's name (may be another ad-hoc action), without inline parameters. */
  base: string;
  /** Inline parameters of `base:` merged with `base-input` (`base-input` wins). */
  baseInput: Record<string, Expr>;
  input: InputParam[];
  output?: Expr;
  pos: SourcePos;
}

/**
 * A listener declared by a workbook, as `POST /v2/listeners` takes it: `name`, `scope`, `events`, `filter`,
 * `transport` (or the `url` shorthand), `format`, `payload`, `retry`, `status`, `secret`, `enabled`. The DSL
 * checks its shape and references; the delivery area interprets it.
 */
export type ListenerBody = Record<string, Expr>;
