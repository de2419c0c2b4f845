/**
 * The folder of the installed `tramontane` package (the one holding its package.json), found by walking up
 * from a module: the sources run from `cli/`, `api/`..., the built code from `dist/...`, a global install
 * from `<prefix>/lib/node_modules/tramontane/dist/...`. Used for the version and the console's assets.
 */
import fs from 'node:fs';
import path from 'node:path';

export function packageRoot(from: string): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string };
      if (pkg.name === 'tramontane') return dir;
    }
    if (path.dirname(dir) === dir) return null;
  }
}
