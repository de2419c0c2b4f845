/**
 * The stock python-mistralclient shell (`/usr/bin/mistral`) drives /v2/cron_triggers: create with a pattern and
 * a count, list, get, delete. The server's cron ticker is stopped first so that no run changes the trigger
 * between commands; firing is covered by cron-triggers.test.ts.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { startServer, type RunningServer } from '../../api/index.js';
import { loadConfig } from '../../config/index.js';

const MISTRAL = '/usr/bin/mistral';
const run = promisify(execFile);

const WF = `
version: '2.0'
cli_cron_wf:
  input:
    - who
  tasks:
    t1:
      action: std.noop
`;

describe('mistral CLI: cron triggers', function () {
  this.timeout(60_000);
  let dir: string;
  let server: RunningServer;

  async function mistral(...args: string[]): Promise<string> {
    const { stdout } = await run(MISTRAL, args, {
      env: { ...process.env, OS_MISTRAL_URL: `${server.url}/v2`, OS_AUTH_TYPE: 'none' },
    });
    return stdout;
  }
  const json = async (...args: string[]) => JSON.parse(await mistral(...args, '-f', 'json'));

  before(async () => {
    if (!fs.existsSync(MISTRAL)) {
      throw new Error(`${MISTRAL} is missing: install python3-mistralclient (the stock Mistral client)`);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-cli-cron-'));
    server = await startServer(
      loadConfig({ port: 0, db: path.join(dir, 'tram.db'), logLevel: 'silent' }, {}),
    );
    await server.context.cron.stop();
    await server.engine.load(WF);
  });
  after(async () => {
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates, lists, gets and deletes a cron trigger', async () => {
    const table = await mistral(
      'cron-trigger-create',
      'nightly',
      'cli_cron_wf',
      '{"who": "cli"}',
      '--pattern',
      '* * * * *',
      '--count',
      '2',
    );
    expect(table).to.match(/\|\s*Name\s*\|\s*nightly\s*\|/);
    expect(table).to.match(/\|\s*Pattern\s*\|\s*\* \* \* \* \*\s*\|/);
    expect(table).to.match(/\|\s*Remaining executions\s*\|\s*2\s*\|/);

    const stored = (await server.engine.store.getCronTrigger('nightly'))!;
    expect(stored.workflowInput).to.deep.equal({ who: 'cli' });
    const nextTime = new Date(stored.nextExecutionTime).toISOString().slice(0, 19).replace('T', ' ');
    expect(nextTime).to.match(/:00$/);

    const shown = await json('cron-trigger-get', 'nightly');
    expect(shown).to.include({
      Name: 'nightly',
      Workflow: 'cli_cron_wf',
      Pattern: '* * * * *',
      'Next execution time': nextTime,
      'Remaining executions': 2,
    });
    expect(shown['Created at']).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const listed = await json('cron-trigger-list');
    expect(listed).to.have.length(1);
    expect(listed[0]).to.include({ Name: 'nightly', Workflow: 'cli_cron_wf', 'Remaining executions': 2 });

    const deleted = await mistral('cron-trigger-delete', 'nightly');
    expect(deleted).to.contain('Request to delete cron trigger nightly has been accepted.');
    // The client prints one blank row for an empty list.
    const names = ((await json('cron-trigger-list')) as { Name: string }[])
      .map((r) => r.Name)
      .filter(Boolean);
    expect(names).to.deep.equal([]);
    expect(await server.engine.store.getCronTrigger('nightly')).to.equal(null);
  });

  it('creates a one-off trigger from --first-time with --utc', async () => {
    const shown = await json(
      'cron-trigger-create',
      'once',
      'cli_cron_wf',
      '{"who": "x"}',
      '--first-time',
      '2099-01-01 10:00',
      '--utc',
    );
    expect(shown).to.include({
      Name: 'once',
      'Next execution time': '2099-01-01 10:00:00',
      'Remaining executions': 1,
    });
    await mistral('cron-trigger-delete', 'once');
  });

  it('reports a bad pattern with a non-zero exit and the server message', async () => {
    let failure: { code?: number; stderr?: string } | null = null;
    try {
      await mistral('cron-trigger-create', 'bad', 'cli_cron_wf', '{"who": "x"}', '--pattern', '61 * * * *');
    } catch (err) {
      failure = err as { code?: number; stderr?: string };
    }
    expect(failure, 'the command must fail').to.not.equal(null);
    expect(failure!.code).to.not.equal(0);
    expect(failure!.stderr).to.contain('pattern');
  });
});
