/**
 * `tram action-execution list|get|complete`: the runs of actions (`/v2/action_executions`). `complete` delivers
 * the result of an asynchronous action (one that answered "started"), as its external worker would.
 */
import type { Command } from 'commander';
import type { ActionExecution, Column, CompletionState } from '../client/index.js';
import { connect, finishGroup, group, leaf, oneOf, parseJsonValue, type RemoteOptions } from './remote.js';

const COLUMNS: Column<ActionExecution>[] = [
  { header: 'ID', value: (a) => a.id },
  { header: 'NAME', value: (a) => a.name },
  { header: 'WORKFLOW', value: (a) => a.workflow_name },
  { header: 'TASK', value: (a) => a.task_name },
  { header: 'TASK ID', value: (a) => a.task_execution_id },
  { header: 'STATE', value: (a) => a.state },
  { header: 'ACCEPTED', value: (a) => a.accepted },
];

const COMPLETION_STATES: readonly CompletionState[] = ['SUCCESS', 'ERROR', 'CANCELLED'];

interface ListOptions extends RemoteOptions {
  task?: string;
}

interface CompleteOptions extends RemoteOptions {
  state: CompletionState;
  output?: string;
}

export function registerActionExecution(program: Command): void {
  const ae = group(program, 'action-execution', 'inspect action runs; complete asynchronous ones', [
    'tram action-execution list --task $TASK_ID',
    'tram action-execution complete $ACTION_ID --state SUCCESS --output \'{"approved": true}\'',
  ]);

  leaf(ae, 'list', 'list action executions (of one task with --task)', [
    'tram action-execution list',
    'tram action-execution list --task $TASK_ID',
  ])
    .option('-t, --task <id>', 'only the action executions of this task execution')
    .action(async (opts: ListOptions) => {
      const { api, out } = connect(opts);
      out.list(await api.listActionExecutions(opts.task), COLUMNS, 'action executions');
    });

  leaf(ae, 'get', 'show an action execution with its input and output', [
    'tram action-execution get $ACTION_ID',
  ])
    .argument('<id>', 'action execution id')
    .action(async (id: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.detail(await api.getActionExecution(id));
    });

  leaf(ae, 'complete', 'deliver the result of an asynchronous action', [
    'tram action-execution complete $ACTION_ID --state SUCCESS --output \'{"approved": true}\'',
    'tram action-execution complete $ACTION_ID --state ERROR --output \'"rejected by Ada"\'',
  ])
    .argument('<id>', 'action execution id')
    .requiredOption(
      '-s, --state <state>',
      `the outcome: ${COMPLETION_STATES.join(', ')}`,
      oneOf(COMPLETION_STATES),
    )
    .option('-o, --output <json>', 'the result (or the error) as any JSON value')
    .action(async (id: string, opts: CompleteOptions) => {
      const output = opts.output === undefined ? undefined : parseJsonValue(opts.output, '--output');
      const { api, out } = connect(opts);
      out.detail(await api.completeActionExecution(id, opts.state, output));
    });

  finishGroup(ae);
}
