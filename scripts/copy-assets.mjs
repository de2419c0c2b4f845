// Copies non-TypeScript assets (the JSON Schema of the language, SQL migrations) next to the compiled code,
// because tsc only emits .js files and the runtime loads these by path.
import fs from 'node:fs';
import path from 'node:path';

const ASSETS = [/\.schema\.json$/, /\.sql$/];
function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist' && !entry.name.startsWith('.')) walk(p);
    } else if (ASSETS.some((re) => re.test(entry.name))) {
      const out = path.join('dist', p);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.copyFileSync(p, out);
    }
  }
}
for (const dir of ['dsl', 'store']) if (fs.existsSync(dir)) walk(dir);
