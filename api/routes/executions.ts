/** PLACEHOLDER: /v2/executions routes. */
import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function executionsRoutes(_ctx: ApiContext): Router {
  return Router();
}
