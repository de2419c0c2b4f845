/** `tram validate FILE...`: reports every problem in each workbook like a compiler, exit 1 if any. */
import type { Command } from 'commander';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('validate workbooks and workflow documents; print problems as file:line:col: message')
    .argument('<files...>', 'YAML files to validate')
    .action(() => {
      throw new Error('not implemented yet');
    });
}
