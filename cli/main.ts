#!/usr/bin/env node
/**
 * `tram`: the command-line entry point. Each command lives in `cli/commands/<name>.ts` and registers itself on
 * the program; this file only wires them together and turns any error into one clear line and exit code 1.
 *
 * Two families: the embedded commands (`serve`, `run`, `validate`) work on local files and the local store; the
 * resource commands (`workbook`, `workflow`, `action`, `execution`, `task`, `action-execution`, `cron-trigger`,
 * `env`, and Tramontane's `listener`, `listener-add` and `event`) talk to a server's REST API at `--url` (env
 * TRAM_URL).
 */
import { Command } from 'commander';
import { registerAction } from './commands/action.js';
import { registerActionExecution } from './commands/action-execution.js';
import { registerCronTrigger } from './commands/cron-trigger.js';
import { registerEnv } from './commands/env.js';
import { registerEvent } from './commands/event.js';
import { addEmbeddedExamples } from './commands/examples.js';
import { registerExecution } from './commands/execution.js';
import { registerListen } from './commands/listen.js';
import { registerListener } from './commands/listener.js';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';
import { registerTask } from './commands/task.js';
import { registerValidate } from './commands/validate.js';
import { registerWorkbook } from './commands/workbook.js';
import { registerWorkflow } from './commands/workflow.js';
import { packageVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('tram')
    .description('Tramontane: a Mistral-compatible workflow engine')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .addHelpText(
      'after',
      [
        '',
        'The resource commands talk to a server: --url (env TRAM_URL, default http://127.0.0.1:8989),',
        '--token (env TRAM_TOKEN); --json prints JSON for scripts. `tram COMMAND --help` shows examples.',
        '',
        'Examples:',
        '  $ tram run hello.yaml --input \'{"name": "Ada"}\'',
        '  $ tram serve &',
        '  $ tram workflow create hello.yaml',
        '  $ tram execution create hello --input \'{"name": "Ada"}\' --watch',
        '',
      ].join('\n'),
    );
  registerServe(program);
  registerRun(program);
  registerValidate(program);
  addEmbeddedExamples(program);
  registerWorkbook(program);
  registerWorkflow(program);
  registerAction(program);
  registerExecution(program);
  registerTask(program);
  registerActionExecution(program);
  registerCronTrigger(program);
  registerEnv(program);
  registerListener(program);
  registerListen(program);
  registerEvent(program);
  return program;
}

/**
 * A reader that goes away (`tram event list | head -2`) closes our stdout: that ends the command quietly, as
 * it does for any Unix tool, rather than with an EPIPE stack trace.
 */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/tram');
if (isMain) {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      const msg = err instanceof Error ? err.message : String(err);
      process.stderr.write(`tram: ${msg}\n`);
      process.exitCode = 1;
    });
}
