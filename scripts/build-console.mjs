// Builds the web console (console/) into dist/console with esbuild: one ES module bundle (Preact, dagre and
// our code, minified), its stylesheet and index.html. Nothing from a CDN: the server serves these files.
import fs from 'node:fs';
import { build } from 'esbuild';

const out = 'dist/console';
fs.rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: { app: 'console/src/main.tsx' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: out,
  legalComments: 'linked',
  logLevel: 'warning',
});
fs.copyFileSync('console/index.html', `${out}/index.html`);
fs.copyFileSync('console/styles.css', `${out}/app.css`);
