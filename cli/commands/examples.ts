/**
 * The "Examples:" sections of the embedded commands (`serve`, `run`, `validate`), kept beside the others'
 * so that every command's `--help` ends with examples.
 */
import type { Command } from 'commander';
import { withExamples } from './remote.js';

const EXAMPLES: Record<string, string[]> = {
  serve: [
    'tram serve',
    'TRAM_AUTH_TOKENS=s3cret tram serve --host 0.0.0.0 --port 8989 --db /var/lib/tram/tram.db',
  ],
  run: [
    'tram run workbooks/order-pipeline.yaml --input \'{"order_id": "A-100", "items": ["tea"]}\'',
    'tram run hello.yaml --workflow hello --input \'{"name": "Ada"}\' --json',
    'tram run hello.yaml --url http://127.0.0.1:8989   # upload, start and watch on a server',
  ],
  validate: ['tram validate workbooks/*.yaml'],
};

export function addEmbeddedExamples(program: Command): void {
  for (const cmd of program.commands) {
    const examples = EXAMPLES[cmd.name()];
    if (examples) withExamples(cmd, examples);
  }
}
