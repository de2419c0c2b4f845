/** Operability: Prometheus metrics, liveness and readiness (see docs/metrics.md). */
export { ServerMetrics, type MetricsSources } from './metrics.js';
export { Readiness, type ReadinessReport, type CheckResult } from './readiness.js';
export { opsRoutes, type OpsOptions } from './routes.js';
