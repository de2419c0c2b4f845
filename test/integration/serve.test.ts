/** `tram serve` as a process: it answers, and SIGTERM stops it gracefully (exit 0, store closed). */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('tram serve', function () {
  this.timeout(30_000);

  it('stops gracefully on SIGTERM after serving requests', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-serve-'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'cli/main.ts',
        'serve',
        '--port',
        '0',
        '--db',
        path.join(dir, 't.db'),
        '--log-level',
        'info',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const t = setInterval(() => {
          const m = /"url":"(http:[^"]+)"/.exec(out);
          if (m?.[1]) (clearInterval(t), resolve(m[1]));
        }, 50);
        void exited.then(() => (clearInterval(t), reject(new Error(`server exited: ${out}`))));
      });
      const res = await fetch(`${url}/v2/workflows`);
      expect(res.status).to.equal(200);
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      expect(out).to.contain('tramontane stopped');
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
