/** The installed package's version, for `tram --version`. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../common/index.js';

export function packageVersion(): string {
  const root = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
  if (!root) return 'unknown';
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
