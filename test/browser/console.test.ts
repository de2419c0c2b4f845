/**
 * The web console in real headless Chromium against a real server (with tokens on): every page opens without
 * a console error; the workflow page draws exactly the workflow's tasks and transitions (kinds included) and
 * highlights the selected task's YAML; the execution page colours tasks by state and follows them live,
 * without a reload; the listeners and event pages show attempts, and "redeliver" adds one; cron triggers and
 * environments are listed and edited. With TRAM_CONSOLE_SCREENSHOTS=DIR, each page is saved there as a PNG.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, until, type TestServer } from '../integration/api-helpers.js';
import { buildConsole, launchChromium, openPage, type WatchedPage } from './console-helpers.js';

const TOKEN = 'console-t0ken';

const WORKFLOWS = `version: '2.0'
shop_order:
  input:
    - items: [tea, milk, bread]
  tasks:
    check:
      action: std.noop
      on-success:
        - reserve
        - price
      on-error: fail
    reserve:
      with-items: item in <% $.items %>
      action: std.echo output=<% $.item %>
      on-success: approve
    price:
      action: std.echo output=12
      on-complete: approve
    approve:
      join: all
      action: std.async_noop
      on-success: ship
      on-error: refund
    ship:
      action: std.noop
    refund:
      action: std.noop
`;

/** The transitions of shop_order, as `from kind to`. */
const EDGES = [
  'check on-success reserve',
  'check on-success price',
  'check on-error check/fail',
  'reserve on-success approve',
  'price on-complete approve',
  'approve on-success ship',
  'approve on-error refund',
];

describe('web console in headless Chromium', function () {
  this.timeout(120_000);
  let srv: TestServer;
  let browser: Browser;
  let receiver: Server;
  let w: WatchedPage;
  let page: Page;
  const shots = process.env.TRAM_CONSOLE_SCREENSHOTS;

  const v2 = async <T = Record<string, unknown>>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${srv.v2}${p}`, {
      method,
      headers: {
        'x-auth-token': TOKEN,
        'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const json = (await res.json()) as T;
    expect(res.status, JSON.stringify(json)).to.be.below(300);
    return json;
  };

  const open = async (p: string) => {
    await page.goto(`${srv.url}/console${p}`);
  };

  const shoot = async (name: string) => {
    if (!shots) return;
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, `console-${name}.png`) });
  };

  before(async () => {
    buildConsole();
    const app = express();
    app.all('/{*rest}', (_req, res) => {
      res.status(200).end();
    });
    receiver = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    srv = await startTestServer({ authTokens: [TOKEN], egressAllowPrivate: true });
    await v2('POST', '/workflows', WORKFLOWS);
    await v2('POST', '/listeners', {
      name: 'audit',
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    });
    browser = await launchChromium();
    w = await openPage(browser);
    page = w.page;
  });

  after(async () => {
    await browser?.close();
    await srv?.close();
    await new Promise((r) => receiver?.close(r));
  });

  afterEach(function () {
    // Any console error or uncaught exception fails the test that caused it.
    const errors = w?.errors.splice(0) ?? [];
    if (this.currentTest?.state === 'passed') expect(errors, 'browser console errors').to.deep.equal([]);
  });

  it('asks for the token, then lists the workflows', async () => {
    await open('/workflows');
    await page.locator('form.token input[name=token]').fill(TOKEN);
    await page.locator('form.token button').click();
    await page.getByRole('link', { name: 'shop_order' }).waitFor();
    // The 401 that brought the prompt is the one expected error.
    w.errors.splice(0);
    await shoot('workflows');
  });

  it('draws the workflow with one node per task and one styled edge per transition, and its YAML', async () => {
    await open('/workflows/shop_order');
    await page.locator('svg.graph').waitFor();
    const nodes = await page
      .locator('svg.graph g[data-node]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-node')));
    expect(nodes.sort()).to.deep.equal(
      ['approve', 'check', 'check/fail', 'price', 'refund', 'reserve', 'ship'].sort(),
    );
    const edges = await page
      .locator('svg.graph path[data-edge]')
      .evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-edge')!.replace('->', ` ${e.getAttribute('data-kind')} `)}`),
      );
    expect(edges.sort()).to.deep.equal([...EDGES].sort());
    const dashes = await page.locator('svg.graph path.on-error').first().getAttribute('stroke-dasharray');
    expect(dashes).to.equal('6 4');
    expect(await page.locator('g[data-node=approve] text').textContent()).to.contain('join: all');
    expect(await page.locator('g[data-node=reserve] text').textContent()).to.contain('with-items');
    await page.locator('g[data-node=price]').click();
    const highlighted = await page.locator('.yaml div.hl').allTextContents();
    expect(highlighted.join('\n')).to.contain('price:');
    expect(highlighted.join('\n')).to.contain('on-complete: approve');
    expect(highlighted.join('\n')).not.to.contain('reserve:');
    await shoot('workflow');
  });

  let executionId = '';

  it('colours the tasks of a running execution and follows them live, without a reload', async () => {
    const ex = await v2<{ id: string }>('POST', '/executions', { workflow_name: 'shop_order' });
    executionId = ex.id;
    await open(`/executions/${ex.id}`);
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    await page.locator('g[data-node=approve][data-state=RUNNING]').waitFor({ timeout: 30_000 });
    expect(await page.locator('g[data-node=check]').getAttribute('data-state')).to.equal('SUCCESS');
    expect(await page.locator('g[data-node=ship]').getAttribute('data-state')).to.equal('');
    await shoot('execution-running');
    // Complete the async action from outside: the page learns it from the stream.
    const tasks = await v2<{ tasks: Array<{ id: string; name: string }> }>(
      'GET',
      `/executions/${ex.id}/tasks`,
    );
    const approve = tasks.tasks.find((t) => t.name === 'approve')!;
    const actions = await v2<{ action_executions: Array<{ id: string }> }>(
      'GET',
      `/tasks/${approve.id}/action_executions`,
    );
    await v2('PUT', `/action_executions/${actions.action_executions[0]!.id}`, {
      state: 'SUCCESS',
      output: '{}',
    });
    await page.locator('g[data-node=ship][data-state=SUCCESS]').waitFor({ timeout: 30_000 });
    await page.locator('[data-execution-state=SUCCESS]').waitFor();
    expect(await page.locator('g[data-node=approve]').getAttribute('data-state')).to.equal('SUCCESS');
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).to.equal(42);
    expect(await page.locator('.timeline .row').count()).to.equal(5);
    await page.locator('g[data-node=reserve]').click();
    await page.locator('.task-details[data-task=reserve]').waitFor();
    expect(await page.locator('.task-details[data-task=reserve] .json').first().textContent()).to.contain(
      'tea',
    );
    await shoot('execution');
  });

  it('lists executions with filters and shows a new one live', async () => {
    await open('/executions?state=SUCCESS');
    await page.locator(`tr[data-execution="${executionId}"]`).waitFor();
    await open('/executions');
    await page.locator(`tr[data-execution="${executionId}"]`).waitFor();
    const ex = await v2<{ id: string }>('POST', '/executions', { workflow_name: 'shop_order' });
    await page.locator(`tr[data-execution="${ex.id}"]`).waitFor({ timeout: 30_000 });
    await shoot('executions');
  });

  it('shows listeners with their attempts, and redelivers an event from its page', async () => {
    await until('the first deliveries', async () => {
      const a = await v2<{ attempts: unknown[] }>('GET', '/event_attempts?limit=5');
      return a.attempts.length > 0;
    });
    await open('/listeners');
    await page.locator('.listener[data-listener=audit] tr[data-attempt]').first().waitFor();
    await shoot('listeners');
    const events = await v2<{ events: Array<{ id: number }> }>('GET', '/events?limit=1');
    const id = events.events[0]!.id;
    await open(`/events/${id}`);
    await page.locator('table.attempts tr[data-attempt]').first().waitFor();
    const before = await page.locator('table.attempts tr[data-attempt]').count();
    await page.getByRole('button', { name: 'redeliver' }).click();
    await until(
      'the new attempt',
      async () => (await page.locator('table.attempts tr[data-attempt]').count()) > before,
    );
    expect(await page.locator('table.attempts').textContent()).to.contain('manual');
    await shoot('event');
  });

  it('reads and edits environments and cron triggers', async () => {
    await v2('POST', '/environments', { name: 'staging', variables: { region: 'eu' } });
    await open('/environments');
    await page.locator('.environment[data-environment=staging]').waitFor();
    await page.locator('.environment[data-environment=staging] button', { hasText: 'edit' }).click();
    await page
      .locator('textarea.editor')
      .fill(JSON.stringify({ name: 'staging', description: 'changed', variables: { region: 'us' } }));
    await page.getByRole('button', { name: 'save' }).click();
    await until('the change', async () => {
      const env = await v2<{ variables: string }>('GET', '/environments/staging');
      return String(env.variables).includes('us');
    });
    await shoot('environments');
    await v2('POST', '/cron_triggers', {
      name: 'nightly',
      workflow_name: 'shop_order',
      pattern: '0 3 * * *',
    });
    await open('/cron-triggers');
    await page.locator('tr[data-cron=nightly]').waitFor();
    expect(await page.locator('tr[data-cron=nightly]').textContent()).to.contain('0 3 * * *');
    await shoot('cron-triggers');
  });
});
