/**
 * `std.ssh`, `std.ssh_proxied` and `std.wait_ssh` against real OpenSSH servers (see `sshd.ts`): password and key
 * logins, Mistral's result shapes and failure message, the host-key policy over a `known_hosts` file, the egress
 * policy, and Mistral's `wait_ssh` ad-hoc action run by the engine on top of `std.ssh`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  createDefaultRegistry,
  runAction,
  type ActionRegistry,
  type StdActionOptions,
} from '../../actions/index.js';
import { Engine } from '../../engine/index.js';
import { SqliteStore } from '../../store/index.js';
import { expectFailure, expectOk, makeCtx } from '../unit/actions/helpers.js';
import { createTestUser, startSshd, type Sshd, type TestUser } from './sshd.js';

describe('std.ssh on a real sshd', function () {
  this.timeout(60_000);
  let dir: string;
  let user: TestUser;
  let target: Sshd;
  let gateway: Sshd;
  const registries: ActionRegistry[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-ssh-'));
    // sshd reads the authorized keys as the user, who also needs to reach its home inside.
    fs.chmodSync(dir, 0o755);
    const authorized = path.join(dir, 'authorized_keys');
    user = createTestUser(dir, authorized);
    target = await startSshd(dir, 'target', user.name, authorized);
    gateway = await startSshd(dir, 'gateway', user.name, authorized);
  });

  after(async () => {
    await Promise.all(registries.map((r) => r.close()));
    await target?.stop();
    await gateway?.stop();
    user?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A registry whose SSH actions use their own known_hosts file (fresh unless named). */
  function registry(options: StdActionOptions['ssh'] = {}, allowPrivate = true): ActionRegistry {
    const knownHostsFile = path.join(dir, `known_hosts_${registries.length}`);
    const r = createDefaultRegistry({
      egress: { allowPrivate },
      ssh: { knownHostsFile, keyDir: dir, ...options },
    });
    registries.push(r);
    return r;
  }

  async function run(r: ActionRegistry, name: string, input: Record<string, unknown>) {
    return runAction(r.require(name), r.prepareInput(name, input), makeCtx());
  }

  const at = (s: Sshd) => `127.0.0.1:${s.port}`;

  it('runs a command with a password login and returns its stdout', async () => {
    const r = registry();
    const out = await run(r, 'std.ssh', {
      cmd: 'echo "hello $(whoami)"',
      host: at(target),
      username: user.name,
      password: user.password,
    });
    expect(expectOk(out)).to.equal(`hello ${user.name}\n`);
  });

  it('logs in with a key given as text, and with a key file relative to the key directory', async () => {
    const r = registry();
    const inline = await run(r, 'std.ssh', {
      cmd: 'echo inline',
      host: at(target),
      username: user.name,
      private_key: user.privateKey,
    });
    expect(expectOk(inline)).to.equal('inline\n');
    fs.writeFileSync(path.join(dir, 'id_test'), user.privateKey, { mode: 0o600 });
    const fromFile = await run(r, 'std.ssh', {
      cmd: 'echo file',
      host: at(target),
      username: user.name,
      private_key_filename: 'id_test',
    });
    expect(expectOk(fromFile)).to.equal('file\n');
  });

  it('decrypts an encrypted key with the password, as Mistral does', async () => {
    const out = await run(registry(), 'std.ssh', {
      cmd: 'echo unlocked',
      host: at(target),
      username: user.name,
      password: user.password,
      private_key: user.encryptedKey,
    });
    expect(expectOk(out)).to.equal('unlocked\n');
  });

  it("returns a list for a list of hosts, and fails a non-zero exit with Mistral's message", async () => {
    const r = registry();
    const login = { username: user.name, password: user.password };
    const both = await run(r, 'std.ssh', { cmd: 'echo hi', host: [at(target), at(gateway)], ...login });
    expect(expectOk(both)).to.deep.equal(['hi\n', 'hi\n']);
    const single = await run(r, 'std.ssh', { cmd: 'echo one', host: [at(target)], ...login });
    expect(expectOk(single)).to.equal('one\n');
    const failed = await run(r, 'std.ssh', { cmd: 'echo oops >&2; exit 3', host: at(target), ...login });
    expect(expectFailure(failed)).to.equal(
      `Failed to execute ssh cmd 'echo oops >&2; exit 3' on ['${at(target)}']: exit code 3 (stderr: oops)`,
    );
  });

  it('returns {stdout, stderr, exit_code} with return_result_on_error', async () => {
    const out = await run(registry(), 'std.ssh', {
      cmd: 'echo out; echo err >&2; exit 2',
      host: at(target),
      username: user.name,
      password: user.password,
      return_result_on_error: true,
    });
    expect(expectOk(out)).to.deep.equal({ stdout: 'out\n', stderr: 'err\n', exit_code: 2 });
  });

  it('fails a wrong password and a key file outside the rules, saying why', async () => {
    const r = registry();
    const wrong = await run(r, 'std.ssh', {
      cmd: 'true',
      host: at(target),
      username: user.name,
      password: 'not-the-password',
    });
    expect(expectFailure(wrong)).to.equal(
      `Failed to execute ssh cmd 'true' on ['${at(target)}']: authentication of ${user.name} on [127.0.0.1]:${target.port} failed`,
    );
    const dotdot = await run(r, 'std.ssh', {
      cmd: 'true',
      host: at(target),
      username: user.name,
      private_key_filename: '../etc/passwd',
    });
    expect(expectFailure(dotdot)).to.contain("Private key filename must not contain '..'");
  });

  it('runs std.ssh_proxied through a second sshd acting as the gateway', async () => {
    const out = await run(registry(), 'std.ssh_proxied', {
      cmd: 'echo "via $SSH_CONNECTION"',
      host: at(target),
      username: user.name,
      private_key_filename: null,
      private_key: user.privateKey,
      gateway_host: at(gateway),
    });
    // The target sees the connection coming from the gateway (127.0.0.1), on its own port.
    expect(expectOk(out)).to.match(
      new RegExp(`^via 127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${target.port}\\n$`),
    );
  });

  it('reaches the gateway through proxy_command when the operator allows it, and refuses it otherwise', async () => {
    const pipe = `node -e "const s=require('net').connect(${gateway.port},'127.0.0.1');process.stdin.pipe(s);s.pipe(process.stdout)"`;
    const input = {
      cmd: 'echo proxied',
      host: at(target),
      username: user.name,
      private_key_filename: null,
      private_key: user.privateKey,
      gateway_host: at(gateway),
      proxy_command: pipe,
    };
    expect(expectOk(await run(registry({ allowProxyCommand: true }), 'std.ssh_proxied', input))).to.equal(
      'proxied\n',
    );
    expect(expectFailure(await run(registry(), 'std.ssh_proxied', input))).to.contain(
      'proxy_command is disabled on this server',
    );
  });

  it('trusts a new host key (accept-new), then refuses a changed one', async () => {
    const knownHostsFile = path.join(dir, 'known_hosts_tofu');
    const r = registry({ knownHostsFile });
    const input = { cmd: 'true', host: at(target), username: user.name, password: user.password };
    expectOk(await run(r, 'std.ssh', input));
    expect(fs.readFileSync(knownHostsFile, 'utf8')).to.equal(
      `[127.0.0.1]:${target.port} ${target.hostKey}\n`,
    );
    expectOk(await run(r, 'std.ssh', input));
    // The gateway's key written for the target: what a server replaced by an impostor would present.
    fs.writeFileSync(knownHostsFile, `[127.0.0.1]:${target.port} ${gateway.hostKey}\n`);
    expect(expectFailure(await run(r, 'std.ssh', input))).to.match(
      /host key verification failed: the host key of \[127\.0\.0\.1\]:\d+ has changed/,
    );
  });

  it('refuses an unknown host in strict mode and accepts one listed in known_hosts', async () => {
    const knownHostsFile = path.join(dir, 'known_hosts_strict');
    const r = registry({ knownHostsFile, hostKeyPolicy: 'strict' });
    const input = { cmd: 'echo ok', host: at(target), username: user.name, password: user.password };
    expect(expectFailure(await run(r, 'std.ssh', input))).to.contain('(strict host key checking)');
    expect(fs.existsSync(knownHostsFile)).to.equal(false);
    fs.writeFileSync(
      knownHostsFile,
      `# seeded by ssh-keyscan\n[127.0.0.1]:${target.port} ${target.hostKey}\n`,
    );
    expect(expectOk(await run(r, 'std.ssh', input))).to.equal('ok\n');
  });

  it('refuses a loopback host when the egress policy forbids private addresses', async () => {
    const r = registry({}, false);
    const out = await run(r, 'std.ssh', {
      cmd: 'true',
      host: at(target),
      username: user.name,
      password: user.password,
    });
    expect(expectFailure(out)).to.contain('egress policy: 127.0.0.1 is a private address');
  });

  it("runs Mistral's wait_ssh ad-hoc action (and the built-in std.wait_ssh) in a workflow", async () => {
    const r = registry();
    const engine = await Engine.start({ store: new SqliteStore({ path: ':memory:' }), actions: r });
    try {
      // The definition of mistral/resources/actions/wait_ssh.yaml, in a workbook (std.wait_ssh is built in here).
      await engine.load(`
version: '2.0'
name: vm
actions:
  wait_ssh:
    description: Simple SSH command.
    base: std.ssh
    base-input:
      host: <% $.host %>
      username: <% $.username %>
      password: <% $.password %>
      cmd: 'ls -l'
    input:
     - host
     - username
     - password
workflows:
  wait_for_vm:
    input: [host, username, password]
    output:
      adhoc: <% $.adhoc %>
      builtin: <% $.builtin %>
    tasks:
      adhoc:
        action: wait_ssh host=<% $.host %> username=<% $.username %> password=<% $.password %>
        publish: {adhoc: <% task().result %>}
        on-success: builtin
      builtin:
        action: std.wait_ssh host=<% $.host %> username=<% $.username %> password=<% $.password %>
        publish: {builtin: <% task().result %>}
`);
      const ex = await engine.startExecution({
        workflow: 'vm.wait_for_vm',
        input: { host: at(target), username: user.name, password: user.password },
      });
      const done = await engine.waitFor(ex.id);
      expect(done.state, String(done.stateInfo)).to.equal('SUCCESS');
      const output = done.output as { adhoc: string; builtin: string };
      // `ls -l` in the user's (empty) home directory.
      expect(output.adhoc).to.equal('total 0\n');
      expect(output.builtin).to.equal('total 0\n');
    } finally {
      await engine.close();
    }
  });
});
