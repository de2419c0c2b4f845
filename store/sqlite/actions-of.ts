/**
 * Action executions by workflow execution, shared by the SQL stores' reads, recovery and retention. They are found
 * by their tasks (the task index, then the action-by-task index) rather than by an index of their own.
 */
/** An SQL condition with its parameters, in the order of its placeholders. */
export type Cond = [sql: string, ...params: unknown[]];

/**
 * The action executions of the workflow executions `executions` (a subquery or a placeholder), found by their
 * tasks: no index leads with an action's execution since migration 12 (it cost ~100 B per execution and one more
 * B-tree per action written), and every action of a workflow has a task. A standalone action (execution '') has
 * none: callers keep the equality on `workflow_execution_id`, which both finds those and keeps the answer exact.
 */
export const actionsOfTasksOf = (executions: string) =>
  `task_execution_id IN (SELECT id FROM task_executions WHERE workflow_execution_id IN (${executions}))`;

/** The conditions of `ActionFilter.workflowExecutionId` beyond its equality: the way to its rows by their tasks. */
export function actionsOfExecution(id: string | undefined): Cond[] {
  return id ? [[actionsOfTasksOf('?'), id]] : [];
}
