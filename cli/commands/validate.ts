/**
 * `tram validate [--strict] FILE...`: checks workbooks, workflow documents and action documents like a compiler;
 * a file may hold several documents separated by `---`.
 * Every problem is printed to stderr as `file:line:col: message`, warnings as `file:line:col: warning: message`;
 * a file without errors prints `FILE: ok` to stdout (with its count of warnings, if any).
 *
 * Warnings are what Mistral accepts at upload but what fails, or never runs, at run time: unknown actions and
 * workflows, parameters an action does not take, unreachable tasks, unknown filters. The exit code is 1 when any
 * file has an error (or cannot be read), or, with `--strict`, a warning; so the command fits CI and pre-commit
 * hooks either way.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createDefaultRegistry } from '../../actions/index.js';
import { formatIssue, isError, toError } from '../../common/index.js';
import type { DslOptions, InputParam } from '../../dsl/index.js';
import { analyseFile } from '../../dsl/index.js';

/**
 * Names the documents may use without defining them: the standard actions, with their parameters, and the
 * workflows and ad-hoc actions of every file given (a workbook may call what another file defines). Workflows stored on a server
 * and actions of packs are not known here; calls to them are reported as warnings.
 */
function knownNames(texts: readonly (string | Error)[]): DslOptions {
  const registry = createDefaultRegistry();
  const workflows = new Set<string>();
  const actions = new Map<string, readonly InputParam[]>();
  for (const text of texts) {
    if (text instanceof Error) continue;
    for (const { document } of analyseFile(text, '')) {
      for (const name of Object.keys(document?.workflows ?? {})) workflows.add(name);
      for (const [name, spec] of Object.entries(document?.actions ?? {})) actions.set(name, spec.input);
    }
  }
  return {
    isKnownAction: (name) => registry.has(name) || actions.has(name),
    isKnownWorkflow: (name) => workflows.has(name),
    actionParams: (name) => registry.get(name)?.input ?? actions.get(name),
  };
}

interface Verdict {
  errors: number;
  warnings: number;
}

/** The text of a file, or why it cannot be read. */
async function read(file: string): Promise<string | Error> {
  return readFile(file, 'utf8').catch(toError);
}

/** Validates one file, printing what it finds. */
function validateFile(file: string, text: string | Error, options: DslOptions): Verdict {
  if (text instanceof Error) {
    process.stderr.write(`${file}: cannot read: ${text.message}\n`);
    return { errors: 1, warnings: 0 };
  }
  const issues = analyseFile(text, file, options).flatMap((a) => a.issues);
  for (const issue of issues) process.stderr.write(`${formatIssue(issue)}\n`);
  const errors = issues.filter(isError).length;
  const warnings = issues.length - errors;
  if (errors === 0) {
    const note = warnings === 0 ? '' : ` (${warnings} warning${warnings === 1 ? '' : 's'})`;
    process.stdout.write(`${file}: ok${note}\n`);
  }
  return { errors, warnings };
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'validate workbooks, workflow and action documents; print problems as file:line:col: message',
    )
    .argument('<files...>', 'YAML files to validate')
    .option('--strict', 'exit with status 1 on warnings too (unknown actions, unreachable tasks...)')
    .action(async (files: string[], opts: { strict?: boolean }) => {
      const texts = await Promise.all(files.map(read));
      const options = knownNames(texts);
      let failed = false;
      for (const [i, file] of files.entries()) {
        const verdict = validateFile(file, texts[i]!, options);
        if (verdict.errors > 0 || (opts.strict === true && verdict.warnings > 0)) failed = true;
      }
      if (failed) process.exitCode = 1;
    });
}
