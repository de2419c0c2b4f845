/**
 * `std.ssh`, `std.ssh_proxied` and `std.wait_ssh`: run a command over SSH, with Mistral's parameters and results.
 *
 * - `host` is one host or a list; the command runs on each in turn. One host gives one result, a list of two or
 *   more a list (a one-element list gives one result, as Mistral's `len(results) > 1`).
 * - The result of a host is the command's stdout; with `return_result_on_error: true` (a later Mistral's
 *   parameter) it is `{stdout, stderr, exit_code}` whatever the exit code.
 * - A failure (a non-zero exit without `return_result_on_error`, or no connection) fails the action with
 *   Mistral's message, `Failed to execute ssh cmd '<cmd>' on ['<host>']`, followed by the reason (Mistral only
 *   logs the reason; a workflow author gains nothing from guessing it).
 * - `host` and `gateway_host` accept `host:port` (Mistral always uses port 22).
 * - `std.wait_ssh` is Mistral's ad-hoc action of that name (`ls -l` through `std.ssh`, password login), which
 *   Mistral ships with its system actions.
 */

import os from 'node:os';
import { defineAction } from '../define.js';
import type { ActionContext, ActionDefinition, ActionOutcome } from '../types.js';
import { EgressConnectError } from './egress-socket.js';
import type { EgressPolicy } from './egress-socket.js';
import { KnownHosts } from './known-hosts.js';
import { resolvePrivateKey, runSshCommand } from './ssh-connect.js';
import type { SshDeps, SshOptions, SshRequest } from './ssh-connect.js';
import { SshError } from './ssh-session.js';

export type { SshOptions } from './ssh-connect.js';

export const DEFAULT_SSH_OPTIONS: Readonly<SshOptions> = Object.freeze({
  knownHostsFile: '.tram/known_hosts',
  hostKeyPolicy: 'accept-new',
  keyDir: '~/.ssh',
  allowProxyCommand: false,
  connectTimeoutSeconds: 20,
  maxOutputBytes: 10 * 1024 * 1024,
});

type SshInput = {
  cmd: unknown;
  host: unknown;
  username: unknown;
  password: unknown;
  private_key_filename: unknown;
  private_key: unknown;
  return_result_on_error: unknown;
};

type SshProxiedInput = Omit<SshInput, 'return_result_on_error'> & {
  gateway_host: unknown;
  gateway_username: unknown;
  proxy_command: unknown;
};

/** One task's request, before the host list is walked; `host` is filled in per host. */
type Plan = Omit<SshRequest, 'host'> & { hosts: string[] };

export function createSshActions(options: SshOptions, egress: EgressPolicy): ActionDefinition[] {
  const deps: SshDeps = {
    options,
    hostKeys: new KnownHosts(options.knownHostsFile, options.hostKeyPolicy),
    egress,
  };

  const ssh = defineAction<SshInput>({
    name: 'std.ssh',
    description: 'Runs a command over SSH on one host or a list of hosts; the result is its stdout.',
    input: [
      'cmd',
      'host',
      'username',
      { name: 'password', default: '' },
      { name: 'private_key_filename', default: null },
      { name: 'private_key', default: null },
      { name: 'return_result_on_error', default: false },
    ],
    run: (input, ctx) => run(input, ctx, deps, input.return_result_on_error === true),
  });

  const proxied = defineAction<SshProxiedInput>({
    name: 'std.ssh_proxied',
    description: 'Runs a command over SSH through a gateway host; the result is its stdout.',
    input: [
      'cmd',
      'host',
      'username',
      'private_key_filename',
      'gateway_host',
      { name: 'gateway_username', default: null },
      { name: 'password', default: null },
      { name: 'proxy_command', default: null },
      { name: 'private_key', default: null },
    ],
    run: (input, ctx) => run(input, ctx, deps, false),
  });

  const waitSsh = defineAction<{ host: unknown; username: unknown; password: unknown }>({
    name: 'std.wait_ssh',
    description: "Mistral's wait_ssh: runs `ls -l` through std.ssh with a password login.",
    input: ['host', 'username', 'password'],
    run: ({ host, username, password }, ctx) =>
      run(
        { cmd: 'ls -l', host, username, password, private_key_filename: null, private_key: null },
        ctx,
        deps,
        false,
      ),
  });

  return [ssh, proxied, waitSsh];
}

async function run(
  input: Omit<SshInput, 'return_result_on_error'> & Partial<SshProxiedInput>,
  ctx: ActionContext,
  deps: SshDeps,
  returnResultOnError: boolean,
): Promise<ActionOutcome> {
  const cmd = String(input.cmd);
  const hosts = hostList(input.host);
  const failure = (reason: string): ActionOutcome => ({
    ok: false,
    error: `Failed to execute ssh cmd '${cmd}' on ${pythonList(hosts)}: ${reason}`,
  });
  let plan: Plan;
  try {
    plan = planRequest(cmd, hosts, input, deps.options);
  } catch (err) {
    if (err instanceof SshError) return failure(err.message);
    throw err;
  }
  const results: unknown[] = [];
  for (const host of plan.hosts) {
    let out;
    try {
      out = await runSshCommand({ ...plan, host }, deps, ctx.signal);
    } catch (err) {
      if (err instanceof SshError || err instanceof EgressConnectError) return failure(err.message);
      throw err;
    }
    if (returnResultOnError)
      results.push({ stdout: out.stdout, stderr: out.stderr, exit_code: out.exitCode });
    else if (out.exitCode !== 0) return failure(`exit code ${out.exitCode}${stderrTail(out.stderr)}`);
    else results.push(out.stdout);
  }
  return { ok: true, data: results.length > 1 ? results : results[0] };
}

function planRequest(
  cmd: string,
  hosts: string[],
  input: Omit<SshInput, 'return_result_on_error'> & Partial<SshProxiedInput>,
  options: SshOptions,
): Plan {
  if (hosts.length === 0) throw new SshError('no host given');
  const username = String(input.username);
  const password = optionalText(input.password);
  const keyDir = options.keyDir.replace(/^~(?=$|\/)/, os.homedir());
  const privateKey = resolvePrivateKey(
    optionalText(input.private_key),
    optionalText(input.private_key_filename),
    password,
    keyDir,
  );
  const plan: Plan = { cmd, hosts, username, password, privateKey };
  const gatewayHost = optionalText(input.gateway_host);
  if (gatewayHost !== undefined) {
    plan.gateway = {
      host: gatewayHost,
      username: optionalText(input.gateway_username) ?? username,
      proxyCommand: optionalText(input.proxy_command),
    };
  } else if ('gateway_host' in input) throw new SshError('gateway_host is empty');
  return plan;
}

/** `null`, `undefined` and `''` mean "not given", as in Mistral (an empty password is no password). */
function optionalText(value: unknown): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : String(value);
}

function hostList(host: unknown): string[] {
  return (Array.isArray(host) ? host : [host]).map(String);
}

/** How Python prints a list of strings, as Mistral's message shows the host list. */
function pythonList(items: string[]): string {
  return `[${items.map((s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;
}

/** The end of the command's stderr, for the failure message: most often the reason it failed. */
function stderrTail(stderr: string): string {
  const text = stderr.trim();
  return text === '' ? '' : ` (stderr: ${text.length > 500 ? `...${text.slice(-500)}` : text})`;
}
