/**
 * The web console at `/console/`: the built single-page app (`dist/console`, made by `npm run build` from
 * `console/`) served as static files on the API's origin, every page URL answered with its `index.html`, and
 * one JSON route the console needs beyond the REST API: a workflow's diagram (`/console/api/graph/:name`),
 * behind the same tokens as the API. The page itself is public: it asks for the token when the API wants one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { NotFoundError, packageRoot } from '../common/index.js';
import { diagramOf } from '../diagram/index.js';
import { authMiddleware } from './auth.js';
import type { ApiContext } from './context.js';

function assetsDir(): string | null {
  const root = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
  const dir = root && path.join(root, 'dist', 'console');
  return dir && fs.existsSync(path.join(dir, 'index.html')) ? dir : null;
}

export function consoleRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.get('/console/api/graph/:name', authMiddleware(ctx.config.authTokens), async (req, res) => {
    const name = String(req.params.name);
    const row = await ctx.engine.findWorkflow(name);
    if (!row) throw new NotFoundError('workflow', name);
    res.json({ ...diagramOf(row.spec), definition: row.definition });
  });
  const dir = assetsDir();
  r.get('/console', (_req, res) => res.redirect(301, '/console/'));
  if (!dir) {
    r.get('/console/{*rest}', (_req, res) => {
      res.status(404).type('text/plain').send('the console is not built: run `npm run build`\n');
    });
    return r;
  }
  r.use('/console', express.static(dir, { index: false, maxAge: '1h' }));
  // Every page URL is the app: it routes on the path in the browser.
  r.get('/console/{*rest}', (_req, res) => {
    res.set('cache-control', 'no-cache').sendFile(path.join(dir, 'index.html'));
  });
  return r;
}
