/**
 * The operator's endpoints, open without a token (probes and scrapers carry none): `GET /health` (liveness: the
 * process answers), `GET /ready` (readiness: 200 when the store and the broker answer, 503 naming what does not)
 * and `GET /metrics` (Prometheus text format).
 */
import { Router } from 'express';
import type { ServerMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export interface OpsOptions {
  metrics?: ServerMetrics;
  readiness?: Readiness;
}

export function opsRoutes(ops: OpsOptions): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const { readiness, metrics } = ops;
  if (readiness) {
    r.get('/ready', async (_req, res) => {
      const report = await readiness.check();
      res.status(report.ready ? 200 : 503).json(report);
    });
  }
  if (metrics) {
    r.get('/metrics', async (_req, res) => {
      const text = await metrics.text();
      res.type(metrics.contentType).send(text);
    });
  }
  return r;
}
