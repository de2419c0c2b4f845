/**
 * `tram workflow list|get|create|update|delete|validate`: standalone workflows on a server (`/v2/workflows`).
 * One document may define several workflows; `create` and `update` list them all. Workflows of a workbook are
 * listed too (named `workbook.workflow`) but are changed through their workbook. `graph` draws one as text.
 */
import { Option, type Command } from 'commander';
import type { Column, Output, Workflow } from '../client/index.js';
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

const COLUMNS: Column<Workflow>[] = [
  { header: 'ID', value: (w) => w.id },
  { header: 'NAME', value: (w) => w.name },
  { header: 'NAMESPACE', value: (w) => w.namespace },
  { header: 'INPUT', value: (w) => w.input, max: 40 },
  { header: 'TAGS', value: (w) => w.tags },
  { header: 'CREATED AT', value: (w) => w.created_at },
];

const GRAPH_FORMATS = ['mermaid', 'dot', 'svg', 'json'];

interface GraphOptions extends RemoteOptions {
  format: string;
}

interface GetOptions extends RemoteOptions {
  definition?: boolean;
}

function showAll(out: Output, workflows: Workflow[]): void {
  out.list(workflows, COLUMNS, 'workflows');
}

export function registerWorkflow(program: Command): void {
  const wf = group(program, 'workflow', 'manage standalone workflows', [
    'tram workflow create hello.yaml',
    'tram execution create hello --input \'{"name": "Ada"}\'',
  ]);

  leaf(wf, 'list', 'list workflows (standalone and of workbooks)', [
    'tram workflow list',
    "tram workflow list --json | jq -r '.[].name'",
  ]).action(async (opts: RemoteOptions) => {
    const { api, out } = connect(opts);
    showAll(out, await api.listWorkflows());
  });

  leaf(wf, 'get', 'show a workflow (or only its YAML, with --definition)', [
    'tram workflow get hello',
    'tram workflow get hello --definition',
  ])
    .argument('<name>', 'workflow name or id')
    .option('--definition', 'print only the YAML definition')
    .action(async (name: string, opts: GetOptions) => {
      const { api, out } = connect(opts);
      const found = await orKnown(api.getWorkflow(name), 'workflow', name, () => api.listWorkflows());
      if (opts.definition) out.text(found.definition ?? '');
      else out.detail(found, ['definition']);
    });

  leaf(wf, 'create', 'upload a document of new workflows', ['tram workflow create hello.yaml'])
    .argument('<file>', 'workflows YAML file')
    .action(async (file: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      showAll(out, await api.createWorkflows(await readText(file)));
    });

  leaf(wf, 'update', 'replace the workflows a document defines', ['tram workflow update hello.yaml'])
    .argument('<file>', 'workflows YAML file')
    .action(async (file: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      showAll(out, await api.updateWorkflows(await readText(file)));
    });

  leaf(wf, 'delete', 'delete a standalone workflow', ['tram workflow delete hello'])
    .argument('<name>', 'workflow name or id')
    .action(async (name: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      await orKnown(api.deleteWorkflow(name), 'workflow', name, () => api.listWorkflows());
      out.done(`deleted workflow ${name}`, { deleted: name });
    });

  leaf(wf, 'validate', "check a workflows document with the server's parser", [
    'tram workflow validate hello.yaml',
  ])
    .argument('<file>', 'workflows YAML file')
    .action(async (file: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      reportValidation(out, file, await api.validateWorkflows(await readText(file)));
    });

  leaf(wf, 'graph', 'print a workflow as a graph (Mermaid, Graphviz DOT, SVG or JSON)', [
    'tram workflow graph order_pipeline.process',
    'tram workflow graph hello --format dot | dot -Tpng > hello.png',
    'tram workflow graph hello --format svg > hello.svg',
  ])
    .argument('<name>', 'workflow name or id')
    .addOption(new Option('-f, --format <format>', 'output format').choices(GRAPH_FORMATS).default('mermaid'))
    .action(async (name: string, opts: GraphOptions) => {
      const { api, out } = connect(opts);
      const found = await orKnown(api.getWorkflow(name), 'workflow', name, () => api.listWorkflows());
      // Loaded on use: the other workflow commands need neither the parser nor the layout.
      const diagram = await import('../../diagram/index.js');
      const d = diagram.diagramFromDefinition(found.definition ?? '', found.name);
      const format = opts.json ? 'json' : opts.format;
      if (format === 'json') out.line(JSON.stringify(d, null, 2));
      else if (format === 'dot') out.text(diagram.toDot(d));
      else if (format === 'svg') out.text(diagram.toSvg(d));
      else out.text(diagram.toMermaid(d));
    });

  finishGroup(wf);
}
