/**
 * `tram action list|get`: the actions a server can run (`/v2/actions`): the standard `std.*` actions, plug-ins,
 * and ad-hoc actions defined in workbooks.
 */
import type { Command } from 'commander';
import type { Action, Column } from '../client/index.js';
import { connect, finishGroup, group, leaf, type RemoteOptions } from './remote.js';

const COLUMNS: Column<Action>[] = [
  { header: 'NAME', value: (a) => a.name },
  { header: 'SYSTEM', value: (a) => a.is_system },
  { header: 'INPUT', value: (a) => a.input, max: 50 },
  { header: 'DESCRIPTION', value: (a) => a.description, max: 50 },
];

export function registerAction(program: Command): void {
  const action = group(program, 'action', 'list the actions a server can run', [
    'tram action list',
    'tram action get std.http',
  ]);

  leaf(action, 'list', 'list actions (standard, plug-in and ad-hoc)', [
    'tram action list',
    "tram action list --json | jq -r '.[] | select(.is_system | not) | .name'",
  ]).action(async (opts: RemoteOptions) => {
    const { api, out } = connect(opts);
    out.list(await api.listActions(), COLUMNS, 'actions');
  });

  leaf(action, 'get', 'show an action and its input', ['tram action get std.echo'])
    .argument('<name>', 'action name or id')
    .action(async (name: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.detail(await api.getAction(name));
    });

  finishGroup(action);
}
