#!/usr/bin/env node
/**
 * `tram`: the command-line entry point. Each command lives in `cli/commands/<name>.ts` and registers itself on
 * the program; this file only wires them together and turns any error into one clear line and exit code 1.
 */
import { Command } from 'commander';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';
import { registerValidate } from './commands/validate.js';

export function buildProgram(): Command {
  const program = new Command();
  program.name('tram').description('Tramontane: a Mistral-compatible workflow engine').showHelpAfterError();
  registerServe(program);
  registerRun(program);
  registerValidate(program);
  return program;
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/tram');
if (isMain) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      const msg = err instanceof Error ? err.message : String(err);
      process.stderr.write(`tram: ${msg}\n`);
      process.exitCode = 1;
    });
}
