/**
 * `tram validate FILE...`: checks workbooks and workflow documents like a compiler. Every problem is printed to
 * stderr as `file:line:col: message`; a valid file prints `FILE: ok` to stdout. The exit code is 1 when any file
 * has a problem (or cannot be read), so the command fits in CI and pre-commit hooks.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatIssue, toError } from '../../common/index.js';
import type { DslOptions } from '../../dsl/index.js';
import { validateDocument } from '../../dsl/index.js';

/**
 * Names the documents may use without defining them.
 * TODO: ask the action registry (std actions and plug-ins) once it is wired into the CLI; until then every
 * `std.*` name is accepted and workflows defined elsewhere are not checked.
 */
const OPTIONS: DslOptions = { isKnownAction: (name) => name.startsWith('std.') };

/** Validates one file; true when it has no problem. */
async function validateFile(file: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    process.stderr.write(`${file}: cannot read: ${toError(err).message}\n`);
    return false;
  }
  const issues = validateDocument(text, file, OPTIONS);
  for (const issue of issues) process.stderr.write(`${formatIssue(issue)}\n`);
  if (issues.length === 0) process.stdout.write(`${file}: ok\n`);
  return issues.length === 0;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('validate workbooks and workflow documents; print problems as file:line:col: message')
    .argument('<files...>', 'YAML files to validate')
    .action(async (files: string[]) => {
      let ok = true;
      for (const file of files) ok = (await validateFile(file)) && ok;
      if (!ok) process.exitCode = 1;
    });
}
