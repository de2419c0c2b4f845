/**
 * `tram cron-trigger list|get|create|delete`: workflows started on a schedule (`/v2/cron_triggers`). A trigger
 * has a cron `--pattern`, a `--first-time`, or both; `--count` bounds how many executions it starts.
 */
import type { Command } from 'commander';
import { parseJsonOption } from '../json-option.js';
import type { Column, CronTrigger } from '../client/index.js';
import { connect, finishGroup, group, leaf, positiveInt, type RemoteOptions } from './remote.js';
import { orKnown } from '../known.js';

const COLUMNS: Column<CronTrigger>[] = [
  { header: 'NAME', value: (c) => c.name },
  { header: 'WORKFLOW', value: (c) => c.workflow_name },
  { header: 'PATTERN', value: (c) => c.pattern },
  { header: 'REMAINING', value: (c) => c.remaining_executions },
  { header: 'NEXT EXECUTION', value: (c) => c.next_execution_time },
  { header: 'CREATED AT', value: (c) => c.created_at },
];

interface CreateOptions extends RemoteOptions {
  pattern?: string;
  input?: string;
  params?: string;
  count?: number;
  firstTime?: string;
}

export function registerCronTrigger(program: Command): void {
  const cron = group(program, 'cron-trigger', 'start workflows on a schedule', [
    'tram cron-trigger create nightly nightly_report.run --pattern "0 2 * * *"',
    'tram cron-trigger list',
  ]);

  leaf(cron, 'list', 'list cron triggers', ['tram cron-trigger list']).action(async (opts: RemoteOptions) => {
    const { api, out } = connect(opts);
    out.list(await api.listCronTriggers(), COLUMNS, 'cron triggers');
  });

  leaf(cron, 'get', 'show a cron trigger', ['tram cron-trigger get nightly'])
    .argument('<name>', 'trigger name (or id)')
    .action(async (name: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.detail(await orKnown(api.getCronTrigger(name), 'cron trigger', name, () => api.listCronTriggers()));
    });

  leaf(cron, 'create', 'create a trigger that starts a workflow on a cron pattern', [
    'tram cron-trigger create nightly nightly_report.run --pattern "0 2 * * *" --input \'{"days": 1}\'',
    'tram cron-trigger create twice hello --pattern "*/5 * * * *" --count 2',
    'tram cron-trigger create once hello --first-time "2030-01-01 09:00"',
  ])
    .argument('<name>', 'trigger name')
    .argument('<workflow>', 'workflow to start')
    .option('--pattern <cron>', 'cron pattern, e.g. "*/5 * * * *" (UTC)')
    .option('-i, --input <json>', 'workflow input as a JSON object')
    .option('-p, --params <json>', 'execution params as a JSON object')
    .option('--count <n>', 'start at most this many executions', positiveInt)
    .option('--first-time <time>', 'first execution, "YYYY-MM-DD HH:MM" (UTC)')
    .action(async (name: string, workflow: string, opts: CreateOptions) => {
      if (opts.pattern === undefined && opts.firstTime === undefined) {
        throw new Error('cron-trigger create needs --pattern, --first-time, or both');
      }
      const input = opts.input === undefined ? undefined : parseJsonOption(opts.input, '--input');
      const params = opts.params === undefined ? undefined : parseJsonOption(opts.params, '--params');
      const { api, out } = connect(opts);
      out.detail(
        await api.createCronTrigger({
          name,
          workflowName: workflow,
          pattern: opts.pattern,
          input,
          params,
          count: opts.count,
          firstTime: opts.firstTime,
        }),
      );
    });

  leaf(cron, 'delete', 'delete a cron trigger', ['tram cron-trigger delete nightly'])
    .argument('<name>', 'trigger name (or id)')
    .action(async (name: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      await api.deleteCronTrigger(name);
      out.done(`deleted cron trigger ${name}`, { deleted: name });
    });

  finishGroup(cron);
}
