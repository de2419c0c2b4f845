/**
 * `tram task list|get|result|rerun|skip`: task executions (`/v2/tasks`). `rerun` and `skip` act on a task in
 * ERROR: run it again from scratch, or mark it SKIPPED so that its workflow carries on.
 */
import type { Command } from 'commander';
import type { Column, Task } from '../client/index.js';
import { connect, finishGroup, group, leaf, type RemoteOptions } from './remote.js';

const COLUMNS: Column<Task>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'WORKFLOW', value: (t) => t.workflow_name },
  { header: 'EXECUTION ID', value: (t) => t.workflow_execution_id },
  { header: 'STATE', value: (t) => t.state },
  { header: 'STATE INFO', value: (t) => t.state_info?.split('\n')[0], max: 50 },
];

/** `get` leaves out what `result` prints and the engine's bookkeeping. */
const DETAIL_OMIT = ['result', 'runtime_context'];

interface ListOptions extends RemoteOptions {
  execution?: string;
}

export function registerTask(program: Command): void {
  const task = group(program, 'task', 'inspect task executions; re-run or skip failed ones', [
    'tram task list --execution $ID',
    'tram task rerun $TASK_ID',
  ]);

  leaf(task, 'list', 'list task executions (of one execution with --execution)', [
    'tram task list',
    'tram task list --execution $ID --json',
  ])
    .option('-e, --execution <id>', 'only the tasks of this workflow execution')
    .action(async (opts: ListOptions) => {
      const { api, out } = connect(opts);
      out.list(await api.listTasks(opts.execution), COLUMNS, 'tasks');
    });

  leaf(task, 'get', 'show a task execution (its result with `tram task result`)', ['tram task get $TASK_ID'])
    .argument('<id>', 'task execution id')
    .action(async (id: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.detail(await api.getTask(id), DETAIL_OMIT);
    });

  leaf(task, 'result', "print a task's result as JSON", ['tram task result $TASK_ID'])
    .argument('<id>', 'task execution id')
    .action(async (id: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.value((await api.getTask(id)).result);
    });

  leaf(task, 'rerun', 'run a task in ERROR again (its workflow resumes)', ['tram task rerun $TASK_ID'])
    .argument('<id>', 'task execution id')
    .action(async (id: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.detail(await api.rerunTask(id), DETAIL_OMIT);
    });

  leaf(task, 'skip', 'skip a task in ERROR: its workflow continues along on-skip', [
    'tram task skip $TASK_ID',
  ])
    .argument('<id>', 'task execution id')
    .action(async (id: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.detail(await api.skipTask(id), DETAIL_OMIT);
    });

  finishGroup(task);
}
