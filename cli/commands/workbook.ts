/**
 * `tram workbook list|get|create|update|delete|validate`: workbooks on a server (`/v2/workbooks`). A workbook's
 * YAML is uploaded as it is written; its name comes from the document, so `update FILE` replaces the workbook
 * the file names.
 */
import type { Command } from 'commander';
import type { Column, Workbook } from '../client/index.js';
import {
  connect,
  finishGroup,
  group,
  leaf,
  readText,
  reportValidation,
  type RemoteOptions,
} from './remote.js';
import { orKnown } from '../known.js';

const COLUMNS: Column<Workbook>[] = [
  { header: 'NAME', value: (w) => w.name },
  { header: 'NAMESPACE', value: (w) => w.namespace },
  { header: 'TAGS', value: (w) => w.tags },
  { header: 'SCOPE', value: (w) => w.scope },
  { header: 'CREATED AT', value: (w) => w.created_at },
  { header: 'UPDATED AT', value: (w) => w.updated_at },
];

interface GetOptions extends RemoteOptions {
  definition?: boolean;
}

export function registerWorkbook(program: Command): void {
  const wb = group(program, 'workbook', 'manage workbooks (named documents of workflows and actions)', [
    'tram workbook create workbooks/order-pipeline.yaml',
    'tram workbook list',
  ]);

  leaf(wb, 'list', 'list workbooks', ['tram workbook list', 'tram workbook list --json']).action(
    async (opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.list(await api.listWorkbooks(), COLUMNS, 'workbooks');
    },
  );

  leaf(wb, 'get', 'show a workbook (or only its YAML, with --definition)', [
    'tram workbook get order_pipeline',
    'tram workbook get order_pipeline --definition > order.yaml',
  ])
    .argument('<name>', 'workbook name')
    .option('--definition', 'print only the YAML definition')
    .action(async (name: string, opts: GetOptions) => {
      const { api, out } = connect(opts);
      const found = await orKnown(api.getWorkbook(name), 'workbook', name, () => api.listWorkbooks());
      if (opts.definition) out.text(found.definition ?? '');
      else out.detail(found, ['definition']);
    });

  leaf(wb, 'create', 'upload a new workbook', ['tram workbook create workbooks/order-pipeline.yaml'])
    .argument('<file>', 'workbook YAML file')
    .action(async (file: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.detail(await api.createWorkbook(await readText(file)), ['definition']);
    });

  leaf(wb, 'update', 'replace a workbook with a new version of its document', [
    'tram workbook update workbooks/order-pipeline.yaml',
  ])
    .argument('<file>', 'workbook YAML file')
    .action(async (file: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.detail(await api.updateWorkbook(await readText(file)), ['definition']);
    });

  leaf(wb, 'delete', 'delete a workbook and its workflows', ['tram workbook delete order_pipeline'])
    .argument('<name>', 'workbook name')
    .action(async (name: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      await orKnown(api.deleteWorkbook(name), 'workbook', name, () => api.listWorkbooks());
      out.done(`deleted workbook ${name}`, { deleted: name });
    });

  leaf(wb, 'validate', "check a workbook with the server's parser (problems as file:line:col: message)", [
    'tram workbook validate workbooks/order-pipeline.yaml',
  ])
    .argument('<file>', 'workbook YAML file')
    .action(async (file: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      reportValidation(out, file, await api.validateWorkbook(await readText(file)));
    });

  finishGroup(wb);
}
