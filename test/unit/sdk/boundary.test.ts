/**
 * The SDK is its own package: its sources import only each other and their declared dependencies, never the
 * server's code (a shared file would have to live inside sdk/src, as the event schemas do).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const SRC = fileURLToPath(new URL('../../../sdk/src/', import.meta.url));
const PKG = JSON.parse(fs.readFileSync(path.join(SRC, '..', 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

describe('sdk: package boundary', () => {
  it('imports only its own files, node: modules and its declared dependencies', () => {
    const allowed = new Set([...Object.keys(PKG.dependencies), ...Object.keys(PKG.peerDependencies)]);
    const wrong: string[] = [];
    for (const file of fs.readdirSync(SRC).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(SRC, file), 'utf8');
      for (const m of text.matchAll(/^(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('./')) continue;
        if (spec.startsWith('node:')) continue;
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!allowed.has(pkg)) wrong.push(`${file}: ${spec}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });
});
