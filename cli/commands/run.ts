/**
 * `tram run FILE --workflow NAME --input JSON`: runs a workflow of a workbook on the embedded store, prints
 * each EXECUTION and TASK event as it is committed, then the final state and output. Exits 1 unless the
 * execution succeeds. With `--url`, the same on a server instead (`run-remote.ts`).
 */
import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import type { OutboxEvent } from '../../engine/index.js';
import { NotFoundError } from '../../common/index.js';
import { knownNames } from '../known.js';
import { parseJsonOption } from '../json-option.js';
import { runRemote } from './run-remote.js';

interface RunOptions {
  workflow?: string;
  input?: string;
  params?: string;
  db?: string;
  json?: boolean;
  url?: string;
  token?: string;
  actions?: string[];
}

function formatEvent(ev: Omit<OutboxEvent, 'id'>): string {
  const p = ev.payload;
  const who =
    ev.entity === 'execution' ? String(p.workflow_name) : `${String(p.workflow_name)} > ${String(p.name)}`;
  const info = p.state_info ? `  (${String(p.state_info).split('\n')[0]})` : '';
  return `${String(ev.sequence).padStart(4)}  ${ev.eventType.padEnd(20)} ${who}${info}`;
}

function unknownWorkflow(name: string, file: string, defined: Array<{ name: string }>): Error {
  return new Error(`no workflow '${name}' in ${file}; ${knownNames(defined.map((w) => w.name))}`);
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a workflow of a workbook on the embedded store, printing events as they happen')
    .argument('<file>', 'workbook or workflow YAML file')
    .option('-w, --workflow <name>', 'workflow to run (default: the only or first workflow of the file)')
    .option('-i, --input <json>', 'workflow input as a JSON object', '{}')
    .option('-p, --params <json>', 'execution params as a JSON object (env, task_name, ...)', '{}')
    .option('--db <path>', 'SQLite database (default: $TRAM_DB or .tram/tram.db)')
    .option('--json', 'print events and the result as JSON lines')
    .option('--url <url>', 'run on the Tramontane server at this URL instead (uploads the document first)')
    .addOption(new Option('--token <token>', 'API token for --url, sent as X-Auth-Token').env('TRAM_TOKEN'))
    .option(
      '--actions <file>',
      'load an action pack, as tram serve does (repeatable; env TRAM_ACTIONS)',
      (f: string, files: string[] | undefined) => [...(files ?? []), f],
    )
    .action(async (file: string, opts: RunOptions) => {
      const input = parseJsonOption(opts.input ?? '{}', '--input');
      const params = parseJsonOption(opts.params ?? '{}', '--params');
      if (opts.url !== undefined) {
        return runRemote(file, { ...opts, url: opts.url, input, params });
      }
      const text = fs.readFileSync(file, 'utf8');
      const cfg = loadConfig({ db: opts.db, actionPacks: opts.actions });
      // Loaded on use, so that the client commands start without loading the engine.
      const { Engine } = await import('../../engine/index.js');
      const { openStore } = await import('../../store/index.js');
      const { createConfiguredRegistry } = await import('../../actions/index.js');
      // The same actions as the server's: standard ones with the configured policies, and the packs.
      const actions = await createConfiguredRegistry(cfg);
      const engine = await Engine.start({
        store: openStore(cfg.db),
        actions,
        maxTasksPerExecution: cfg.maxTasksPerExecution,
        maxWorkflowDepth: cfg.maxWorkflowDepth,
        maxExecutionsPerTree: cfg.maxExecutionsPerTree,
      });
      // The engine's timers do not hold the process open (a server must be able to exit); this command waits
      // for its execution, so it holds it open itself until the end.
      const keepAlive = setInterval(() => undefined, 60_000);
      try {
        const saved = await engine.load(text, { file });
        const workflow = opts.workflow ?? saved.workflows[0]?.name;
        if (!workflow) throw new Error(`${file} defines no workflow`);
        let executionId = '';
        const buffered: Omit<OutboxEvent, 'id'>[] = [];
        const print = (ev: Omit<OutboxEvent, 'id'>) =>
          console.log(
            opts.json
              ? JSON.stringify({ event: ev.eventType, sequence: ev.sequence, payload: ev.payload })
              : formatEvent(ev),
          );
        engine.onEvent((ev) => {
          if (!executionId) buffered.push(ev);
          else if (ev.rootExecutionId === executionId) print(ev);
        });
        const started = await engine.startExecution({ workflow, input, params }).catch((err: unknown) => {
          throw err instanceof NotFoundError ? unknownWorkflow(workflow, file, saved.workflows) : err;
        });
        executionId = started.id;
        buffered.filter((ev) => ev.rootExecutionId === executionId).forEach(print);
        const done = await engine.waitFor(executionId);
        await engine.idle();
        if (opts.json)
          console.log(
            JSON.stringify({
              id: done.id,
              state: done.state,
              state_info: done.stateInfo,
              output: done.output,
            }),
          );
        else {
          console.log(
            `\nexecution ${done.id}: ${done.state}${done.stateInfo ? ` (${done.stateInfo.split('\n')[0]})` : ''}`,
          );
          console.log(JSON.stringify(done.output, null, 2));
        }
        if (done.state !== 'SUCCESS') process.exitCode = 1;
      } finally {
        clearInterval(keepAlive);
        await engine.close();
        await actions.close();
      }
    });
}
