/**
 * `tram execution list|get|create|pause|resume|cancel|output|delete|watch`: workflow executions on a server
 * (`/v2/executions`). `watch` follows one execution to its end (progress bar, running tasks, events) and exits 0
 * only if it succeeded, so that scripts can wait on it. `get` also shows, as a table under the execution, the
 * statuses receivers gave the deliveries of its events (`/v2/executions/{id}/statuses`), when there are any.
 */
import type { Command } from 'commander';
import type { WorkflowState } from '../../engine/index.js';
import { parseJsonOption } from '../json-option.js';
import {
  isHttpStatus,
  viewFor,
  watchExecution,
  watchExitCode,
  withInterrupt,
  type Column,
  type DeliveryStatus,
  type Execution,
  type Output,
  type TramApi,
} from '../client/index.js';
import { connect, finishGroup, group, leaf, oneOf, positiveInt, type RemoteOptions } from './remote.js';
import { orKnown } from '../known.js';

const STATES = ['IDLE', 'RUNNING', 'PAUSED', 'SUCCESS', 'ERROR', 'CANCELLED'] as const;

const COLUMNS: Column<Execution>[] = [
  { header: 'ID', value: (e) => e.id },
  { header: 'WORKFLOW', value: (e) => e.workflow_name },
  { header: 'DESCRIPTION', value: (e) => e.description, max: 30 },
  { header: 'STATE', value: (e) => e.state },
  { header: 'CREATED AT', value: (e) => e.created_at },
  { header: 'UPDATED AT', value: (e) => e.updated_at },
];

/** The statuses of the deliveries of the execution's events (listeners with statuses), under `get`. */
const STATUS_COLUMNS: Column<DeliveryStatus>[] = [
  { header: 'STATUS ID', value: (s) => s.id },
  { header: 'TASK', value: (s) => s.task_name ?? '(execution)' },
  { header: 'LISTENER ID', value: (s) => s.listener_id },
  { header: 'STATUS', value: (s) => s.status },
  { header: 'CONCLUSION', value: (s) => s.conclusion },
  { header: 'TITLE', value: (s) => s.output?.title, max: 40 },
  { header: 'UPDATED AT', value: (s) => s.updated_at },
];

/** `get` leaves the output out (it may be large): `tram execution output ID` prints it. */
const DETAIL_OMIT = ['output'];

interface ListOptions extends RemoteOptions {
  workflow?: string;
  state?: string;
  limit?: number;
  oldest?: boolean;
}

interface CreateOptions extends RemoteOptions {
  input?: string;
  params?: string;
  description?: string;
  watch?: boolean;
}

interface DeleteOptions extends RemoteOptions {
  force?: boolean;
}

/** Follows an execution to its end with the view this terminal (or --json) calls for; sets the exit code. */
export async function watchToEnd(api: TramApi, id: string, json: boolean): Promise<void> {
  const final = await withInterrupt((signal) => watchExecution(api, id, { view: viewFor(json), signal }));
  process.exitCode = watchExitCode(final);
}

function stateCommand(
  parent: Command,
  name: string,
  state: WorkflowState,
  what: string,
  example: string,
): void {
  leaf(parent, name, what, [example])
    .argument('<id>', 'execution id')
    .action(async (id: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      show(out, await api.setExecutionState(id, state));
    });
}

function show(out: Output, e: Execution): void {
  out.detail(e, DETAIL_OMIT);
}

/** The execution's statuses, none from a server without them (Mistral, an older Tramontane: 404). */
async function statusesOf(api: TramApi, id: string): Promise<DeliveryStatus[]> {
  try {
    return await api.executionStatuses(id);
  } catch (err) {
    if (isHttpStatus(err, 404)) return [];
    throw err;
  }
}

export function registerExecution(program: Command): void {
  const ex = group(program, 'execution', 'start, follow and control workflow executions', [
    'ID=$(tram execution create hello --input \'{"name": "Ada"}\' --json | jq -r .id)',
    'tram execution watch $ID',
    'tram execution list --state ERROR',
  ]);

  leaf(ex, 'list', 'list executions, newest first', [
    'tram execution list',
    'tram execution list --workflow order_pipeline.process --state RUNNING --limit 20',
  ])
    .option('-w, --workflow <name>', 'only executions of this workflow')
    .option('-s, --state <state>', `only executions in this state (${STATES.join(', ')})`, oneOf(STATES))
    .option('-l, --limit <n>', 'at most this many (the server caps a page, 100 by default)', positiveInt)
    .option('--oldest', 'oldest first')
    .action(async (opts: ListOptions) => {
      const { api, out } = connect(opts);
      const rows = await api.listExecutions({
        workflowName: opts.workflow,
        state: opts.state,
        limit: opts.limit,
        oldest: opts.oldest,
      });
      out.list(rows, COLUMNS, 'executions');
    });

  leaf(ex, 'get', 'show an execution and its delivery statuses (its output with `tram execution output`)', [
    'tram execution get $ID',
  ])
    .argument('<id>', 'execution id')
    .action(async (id: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      show(out, await api.getExecution(id));
      if (out.json) return;
      const statuses = await statusesOf(api, id);
      if (statuses.length === 0) return;
      out.line('');
      out.list(statuses, STATUS_COLUMNS, 'statuses');
    });

  leaf(ex, 'create', 'start a workflow', [
    'tram execution create hello --input \'{"name": "Ada"}\'',
    'tram execution create order_pipeline.process -i \'{"order_id": "A-1"}\' -d "first order" --watch',
    'tram execution create nightly_report --params \'{"env": "production"}\'',
  ])
    .argument('<workflow>', 'workflow name (or id)')
    .option('-i, --input <json>', 'workflow input as a JSON object')
    .option('-p, --params <json>', 'execution params as a JSON object (env, task_name, notify, ...)')
    .option('-d, --description <text>', 'a description of this execution')
    .option('--watch', 'follow the execution to its end, like `tram execution watch`')
    .action(async (workflow: string, opts: CreateOptions) => {
      const input = opts.input === undefined ? undefined : parseJsonOption(opts.input, '--input');
      const params = opts.params === undefined ? undefined : parseJsonOption(opts.params, '--params');
      const { api, out } = connect(opts);
      const created = await orKnown(
        api.createExecution({ workflowName: workflow, input, params, description: opts.description }),
        'workflow',
        workflow,
        () => api.listWorkflows(),
      );
      if (!opts.watch) return show(out, created);
      if (!out.json) out.line(`execution ${created.id} of ${created.workflow_name}`);
      await watchToEnd(api, created.id, out.json);
    });

  stateCommand(ex, 'pause', 'PAUSED', 'pause a running execution', 'tram execution pause $ID');
  stateCommand(ex, 'resume', 'RUNNING', 'resume a paused execution', 'tram execution resume $ID');
  stateCommand(ex, 'cancel', 'CANCELLED', 'cancel an execution', 'tram execution cancel $ID');

  leaf(ex, 'output', "print an execution's output as JSON", [
    'tram execution output $ID',
    "tram execution output $ID --json | jq '.total'",
  ])
    .argument('<id>', 'execution id')
    .action(async (id: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.value((await api.getExecution(id)).output);
    });

  leaf(ex, 'delete', 'delete a finished execution (an unfinished one with --force)', [
    'tram execution delete $ID',
  ])
    .argument('<id>', 'execution id')
    .option('--force', 'delete it even if it has not finished')
    .action(async (id: string, opts: DeleteOptions) => {
      const { api, out } = connect(opts);
      await api.deleteExecution(id, opts.force === true);
      out.done(`deleted execution ${id}`, { deleted: id });
    });

  leaf(ex, 'watch', 'follow an execution live until it ends; exit 0 on SUCCESS, 1 on ERROR or CANCELLED', [
    'tram execution watch $ID',
    'tram execution watch $ID --json > events.jsonl',
  ])
    .argument('<id>', 'execution id')
    .action(async (id: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      await watchToEnd(api, id, out.json);
    });

  finishGroup(ex);
}
