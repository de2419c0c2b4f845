/**
 * Action executions by workflow execution, shared by the SQL stores' reads, recovery and retention. They are found
 * by their tasks (the task index, then the action-by-task index) rather than by an index of their own.
 */
/** An SQL condition with its parameters, in the order of its placeholders. */
export type Cond = [sql: string, ...params: unknown[]];

/**
 * The action executions of the workflow executions `executions` (a subquery or a named placeholder, written
 * twice), found by their tasks: no index leads with an action's execution since migration 12 (it cost ~100 B per
 * execution and one more B-tree per action written). The few actions with no task, a workflow's own on-enter and
 * on-exit hooks, are found by the partial index of migration 13, whose condition this repeats. A standalone action
 * (execution '') is one of those too; callers keep the equality on `workflow_execution_id`, which keeps the answer
 * exact.
 */
export const actionsOfTasksOf = (executions: string) =>
  `(task_execution_id IN (SELECT id FROM task_executions WHERE workflow_execution_id IN (${executions})) OR ` +
  `(task_execution_id IS NULL AND workflow_execution_id IN (${executions})))`;

/** The conditions of `ActionFilter.workflowExecutionId` beyond its equality: the way to its rows by their tasks. */
export function actionsOfExecution(id: string | undefined): Cond[] {
  return id ? [[actionsOfTasksOf('?'), id, id]] : [];
}
